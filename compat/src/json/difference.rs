//! Confluent's `Difference`: the change types, which of them each policy accepts, and the verbose
//! message each renders to (`{errorType:"…", description:"…'}`, quirks included).

use crate::CompatibilityPolicy;

/// One change found by the diff: Confluent's type name and the JSON path, e.g. `#/properties/a`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Difference {
    pub(super) kind: &'static str,
    pub(super) path: String,
}

/// Not a Confluent type: the comparison gave up (too deep or too much work), which must fail.
pub(super) const CHECK_TOO_COMPLEX: &str = "CHECK_TOO_COMPLEX";

/// Changes `COMPATIBLE_CHANGES_STRICT` accepts.
const COMPATIBLE_STRICT: &[&str] = &[
    "ID_CHANGED",
    "DESCRIPTION_CHANGED",
    "TITLE_CHANGED",
    "DEFAULT_CHANGED",
    "SCHEMA_REMOVED",
    "TYPE_EXTENDED",
    "MAX_LENGTH_INCREASED",
    "MAX_LENGTH_REMOVED",
    "MIN_LENGTH_DECREASED",
    "MIN_LENGTH_REMOVED",
    "PATTERN_REMOVED",
    "MAXIMUM_INCREASED",
    "MAXIMUM_REMOVED",
    "MINIMUM_DECREASED",
    "MINIMUM_REMOVED",
    "EXCLUSIVE_MAXIMUM_INCREASED",
    "EXCLUSIVE_MAXIMUM_REMOVED",
    "EXCLUSIVE_MINIMUM_DECREASED",
    "EXCLUSIVE_MINIMUM_REMOVED",
    "MULTIPLE_OF_REDUCED",
    "MULTIPLE_OF_REMOVED",
    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    "REQUIRED_ATTRIBUTE_REMOVED",
    "DEPENDENCY_ARRAY_NARROWED",
    "DEPENDENCY_ARRAY_REMOVED",
    "DEPENDENCY_SCHEMA_REMOVED",
    "MAX_PROPERTIES_INCREASED",
    "MAX_PROPERTIES_REMOVED",
    "MIN_PROPERTIES_DECREASED",
    "MIN_PROPERTIES_REMOVED",
    "ADDITIONAL_PROPERTIES_ADDED",
    "ADDITIONAL_PROPERTIES_EXTENDED",
    "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "UNEVALUATED_PROPERTIES_ADDED",
    "UNEVALUATED_PROPERTIES_EXTENDED",
    "MAX_ITEMS_INCREASED",
    "MAX_ITEMS_REMOVED",
    "MIN_ITEMS_DECREASED",
    "MIN_ITEMS_REMOVED",
    "MAX_CONTAINS_INCREASED",
    "MAX_CONTAINS_REMOVED",
    "MIN_CONTAINS_DECREASED",
    "MIN_CONTAINS_REMOVED",
    "UNIQUE_ITEMS_REMOVED",
    "ADDITIONAL_ITEMS_ADDED",
    "ADDITIONAL_ITEMS_EXTENDED",
    "UNEVALUATED_ITEMS_ADDED",
    "UNEVALUATED_ITEMS_EXTENDED",
    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ENUM_ARRAY_EXTENDED",
    "COMBINED_TYPE_EXTENDED",
    "PRODUCT_TYPE_NARROWED",
    "SUM_TYPE_EXTENDED",
    "NOT_TYPE_NARROWED",
];

/// What `COMPATIBLE_CHANGES_LENIENT` accepts on top of the strict set.
const LENIENT_ONLY: &[&str] = &[
    "ADDITIONAL_PROPERTIES_NARROWED",
    "ADDITIONAL_PROPERTIES_REMOVED",
    "UNEVALUATED_PROPERTIES_NARROWED",
    "UNEVALUATED_PROPERTIES_REMOVED",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
];

/// Whether `policy` accepts a change of type `kind`.
pub(super) fn is_compatible(kind: &str, policy: CompatibilityPolicy) -> bool {
    COMPATIBLE_STRICT.contains(&kind)
        || (policy == CompatibilityPolicy::Lenient && LENIENT_ONLY.contains(&kind))
}

const KEYWORD_ADDED_OR_REMOVED: &[&str] = &[
    "MAXIMUM_ADDED",
    "MINIMUM_ADDED",
    "EXCLUSIVE_MAXIMUM_ADDED",
    "EXCLUSIVE_MINIMUM_ADDED",
    "MULTIPLE_OF_ADDED",
    "MAX_LENGTH_ADDED",
    "MIN_LENGTH_ADDED",
    "PATTERN_ADDED",
    "REQUIRED_ATTRIBUTE_ADDED",
    "MAX_PROPERTIES_ADDED",
    "MIN_PROPERTIES_ADDED",
    "DEPENDENCY_ARRAY_ADDED",
    "DEPENDENCY_SCHEMA_ADDED",
    "MAX_ITEMS_ADDED",
    "MIN_ITEMS_ADDED",
    "MAX_CONTAINS_ADDED",
    "MIN_CONTAINS_ADDED",
    "UNIQUE_ITEMS_ADDED",
    "ADDITIONAL_ITEMS_REMOVED",
    "ADDITIONAL_PROPERTIES_REMOVED",
    "UNEVALUATED_PROPERTIES_REMOVED",
    "UNEVALUATED_ITEMS_REMOVED",
];
const VALUE_INCREASED: &[&str] = &[
    "MIN_LENGTH_INCREASED",
    "MINIMUM_INCREASED",
    "EXCLUSIVE_MINIMUM_INCREASED",
    "MIN_PROPERTIES_INCREASED",
    "MULTIPLE_OF_EXPANDED",
    "MIN_ITEMS_INCREASED",
    "MIN_CONTAINS_INCREASED",
];
const VALUE_DECREASED: &[&str] = &[
    "MAX_LENGTH_DECREASED",
    "MAXIMUM_DECREASED",
    "MAX_ITEMS_DECREASED",
    "MAX_CONTAINS_DECREASED",
    "EXCLUSIVE_MAXIMUM_DECREASED",
    "MAX_PROPERTIES_DECREASED",
];
const TYPE_NARROWED: &[&str] = &[
    "ADDITIONAL_ITEMS_NARROWED",
    "ENUM_ARRAY_NARROWED",
    "SUM_TYPE_NARROWED",
    "ADDITIONAL_PROPERTIES_NARROWED",
    "UNEVALUATED_PROPERTIES_NARROWED",
    "UNEVALUATED_ITEMS_NARROWED",
];
const VALUE_CHANGED: &[&str] = &[
    "PATTERN_CHANGED",
    "MULTIPLE_OF_CHANGED",
    "DEPENDENCY_ARRAY_CHANGED",
];
const TYPE_CHANGED: &[&str] = &[
    "TYPE_CHANGED",
    "TYPE_NARROWED",
    "COMBINED_TYPE_CHANGED",
    "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
    "ENUM_ARRAY_CHANGED",
];
const TYPE_EXTENDED: &[&str] = &[
    "DEPENDENCY_ARRAY_EXTENDED",
    "PRODUCT_TYPE_EXTENDED",
    "SUM_TYPE_EXTENDED",
    "NOT_TYPE_EXTENDED",
];
const ADDED_TO_OPEN: &[&str] = &[
    "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
];

impl Difference {
    pub(super) fn new(kind: &'static str, path: String) -> Difference {
        Difference { kind, path }
    }

    /// The verbose message, `first`/`second` being "new"/"old" (backward) or "old"/"new".
    pub(super) fn message(&self, first: &str, second: &str) -> String {
        let p = &self.path;
        let k = self.kind;
        let description = if KEYWORD_ADDED_OR_REMOVED.contains(&k) {
            format!(
                "The keyword at path '{p}' in the {first} schema is not present in the {second} schema"
            )
        } else if VALUE_INCREASED.contains(&k) {
            format!(
                "The value at path '{p}' in the {first} schema is more than its value in the {second} schema"
            )
        } else if VALUE_DECREASED.contains(&k) {
            format!(
                "The value at path '{p}' in the {first} schema is less than its value in the {second} schema"
            )
        } else if VALUE_CHANGED.contains(&k) {
            format!("The value at path '{p}' is different between the {first} and {second} schema")
        } else if TYPE_NARROWED.contains(&k) {
            format!(
                "An array or combined type at path '{p}' has fewer elements in the {first} schema than the {second} schema"
            )
        } else if TYPE_EXTENDED.contains(&k) {
            format!(
                "An array or combined type at path '{p}' has more elements in the {first} schema than the {second} schema"
            )
        } else if TYPE_CHANGED.contains(&k) {
            format!(
                "A type at path '{p}' is different between the {first} schema and the {second} schema"
            )
        } else if ADDED_TO_OPEN.contains(&k) {
            format!(
                "The {first} schema has an open content model and has a property or item at path '{p}' which is missing in the {second} schema"
            )
        } else {
            match k {
                "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" => format!(
                    "The {first} schema has an unopen content model and has a required property at path '{p}' which is missing in the {second} schema"
                ),
                "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                | "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL" => format!(
                    "The {first} has a closed content model and is missing a property or item present at path '{p}' in the {second} schema"
                ),
                "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                | "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => format!(
                    "A property or item is missing in the {first} schema but present at path '{p}' in the {second} schema and is not covered by its partially open content model"
                ),
                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                | "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => format!(
                    "The {first} schema has a property or item at path '{p}' which is missing in the {second} schema and is not covered by its partially open content model"
                ),
                CHECK_TOO_COMPLEX => format!(
                    "The schemas at path '{p}' nest too deeply or are too complex to compare"
                ),
                _ => String::new(),
            }
        };
        format!("{{errorType:\"{k}\", description:\"{description}'}}")
    }
}

#[cfg(test)]
pub(super) fn compatible_counts() -> (usize, usize) {
    (
        COMPATIBLE_STRICT.len(),
        COMPATIBLE_STRICT.len() + LENIENT_ONLY.len(),
    )
}
