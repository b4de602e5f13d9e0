//! Imports every schema may use without registering them: Google's well-known types and
//! `google/type` protos (reduced to their type names, which is all resolution and the diff of
//! two identical imports need) and Confluent's `confluent/meta.proto` and
//! `confluent/type/decimal.proto` (verbatim copies of Confluent's files).

/// The text of a built-in import, by import path.
pub(crate) fn builtin(path: &str) -> Option<&'static str> {
    Some(match path {
        "confluent/meta.proto" => include_str!("builtin/confluent/meta.proto"),
        "confluent/type/decimal.proto" => include_str!("builtin/confluent/type/decimal.proto"),
        "google/protobuf/any.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message Any {}"
        }
        "google/protobuf/api.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message Api {} message Method {} message Mixin {}"
        }
        "google/protobuf/duration.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message Duration {}"
        }
        "google/protobuf/empty.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message Empty {}"
        }
        "google/protobuf/field_mask.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message FieldMask {}"
        }
        "google/protobuf/source_context.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message SourceContext {}"
        }
        "google/protobuf/struct.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message Struct {} message Value {} message ListValue {} enum NullValue { NULLVALUE_UNSPECIFIED = 0; }"
        }
        "google/protobuf/timestamp.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message Timestamp {}"
        }
        "google/protobuf/type.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message Type {} message Field {} message Enum {} message EnumValue {} message Option {} enum Syntax { SYNTAX_UNSPECIFIED = 0; }"
        }
        "google/protobuf/wrappers.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message DoubleValue {} message FloatValue {} message Int64Value {} message UInt64Value {} message Int32Value {} message UInt32Value {} message BoolValue {} message StringValue {} message BytesValue {}"
        }
        "google/protobuf/descriptor.proto" => {
            "syntax = \"proto3\"; package google.protobuf; message FileDescriptorSet {} message FileDescriptorProto {} message DescriptorProto {} message ExtensionRangeOptions {} message FieldDescriptorProto {} message OneofDescriptorProto {} message EnumDescriptorProto {} message EnumValueDescriptorProto {} message ServiceDescriptorProto {} message MethodDescriptorProto {} message FileOptions {} message MessageOptions {} message FieldOptions {} message OneofOptions {} message EnumOptions {} message EnumValueOptions {} message ServiceOptions {} message MethodOptions {} message UninterpretedOption {} message FeatureSet {} message FeatureSetDefaults {} message SourceCodeInfo {} message GeneratedCodeInfo {} enum Edition { EDITION_UNSPECIFIED = 0; }"
        }
        "google/type/calendar_period.proto" => {
            "syntax = \"proto3\"; package google.type; enum CalendarPeriod { CALENDARPERIOD_UNSPECIFIED = 0; }"
        }
        "google/type/color.proto" => "syntax = \"proto3\"; package google.type; message Color {}",
        "google/type/date.proto" => "syntax = \"proto3\"; package google.type; message Date {}",
        "google/type/datetime.proto" => {
            "syntax = \"proto3\"; package google.type; message DateTime {} message TimeZone {}"
        }
        "google/type/dayofweek.proto" => {
            "syntax = \"proto3\"; package google.type; enum DayOfWeek { DAYOFWEEK_UNSPECIFIED = 0; }"
        }
        "google/type/decimal.proto" => {
            "syntax = \"proto3\"; package google.type; message Decimal {}"
        }
        "google/type/expr.proto" => "syntax = \"proto3\"; package google.type; message Expr {}",
        "google/type/fraction.proto" => {
            "syntax = \"proto3\"; package google.type; message Fraction {}"
        }
        "google/type/interval.proto" => {
            "syntax = \"proto3\"; package google.type; message Interval {}"
        }
        "google/type/latlng.proto" => "syntax = \"proto3\"; package google.type; message LatLng {}",
        "google/type/localized_text.proto" => {
            "syntax = \"proto3\"; package google.type; message LocalizedText {}"
        }
        "google/type/money.proto" => "syntax = \"proto3\"; package google.type; message Money {}",
        "google/type/month.proto" => {
            "syntax = \"proto3\"; package google.type; enum Month { MONTH_UNSPECIFIED = 0; }"
        }
        "google/type/phone_number.proto" => {
            "syntax = \"proto3\"; package google.type; message PhoneNumber {}"
        }
        "google/type/postal_address.proto" => {
            "syntax = \"proto3\"; package google.type; message PostalAddress {}"
        }
        "google/type/quaternion.proto" => {
            "syntax = \"proto3\"; package google.type; message Quaternion {}"
        }
        "google/type/timeofday.proto" => {
            "syntax = \"proto3\"; package google.type; message TimeOfDay {}"
        }
        _ => return None,
    })
}
