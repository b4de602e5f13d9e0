//! Which subject a serializer registers under and which of its schemas it writes with.

use accord_types::{Subject, Version};

use super::SerdeError;

/// Whether a serializer writes a record's key or its value (Confluent's `MessageField`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageField {
    /// The record key: subject suffix `-key`.
    Key,
    /// The record value: subject suffix `-value`.
    Value,
}

/// How a subject is named from the topic and the schema (Confluent's `subject.name.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubjectNameStrategy {
    /// `{topic}-key` or `{topic}-value` (`TopicNameStrategy`, Confluent's default).
    Topic,
    /// The record's full name: an Avro named type, a Protobuf message, a JSON Schema `title`
    /// (`RecordNameStrategy`).
    Record,
    /// `{topic}-{record full name}` (`TopicRecordNameStrategy`).
    TopicRecord,
}

impl SubjectNameStrategy {
    /// The subject for `field` of records on `topic` whose schema's full name is `record`.
    ///
    /// Fails for [`Record`](SubjectNameStrategy::Record) and
    /// [`TopicRecord`](SubjectNameStrategy::TopicRecord) when there is no record name (an Avro
    /// primitive, a JSON Schema without `title`), and when the name is not a valid subject.
    pub fn subject(
        self,
        topic: &str,
        field: MessageField,
        record: Option<&str>,
    ) -> Result<Subject, SerdeError> {
        let record = || {
            record.ok_or_else(|| {
                SerdeError::Subject(format!(
                    "{self:?} strategy needs a record name, and the schema has none"
                ))
            })
        };
        let name = match self {
            SubjectNameStrategy::Topic => match field {
                MessageField::Key => format!("{topic}-key"),
                MessageField::Value => format!("{topic}-value"),
            },
            SubjectNameStrategy::Record => record()?.to_string(),
            SubjectNameStrategy::TopicRecord => format!("{topic}-{}", record()?),
        };
        Subject::new(name).map_err(|err| SerdeError::Subject(err.to_string()))
    }
}

/// Which registered schema a serializer writes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaSelection {
    /// Register the local schema (or find it registered) and write with it
    /// (`auto.register.schemas=true`, Confluent's default).
    AutoRegister {
        /// Ask the registry to normalize the schema first (`normalize.schemas`).
        normalize: bool,
    },
    /// Look the local schema up in the subject, without registering it, and write with it
    /// (`auto.register.schemas=false`).
    Lookup {
        /// Normalize before matching.
        normalize: bool,
    },
    /// Write with the subject's latest version; the local schema is not used (`use.latest.version`).
    UseLatest,
    /// Write with this version of the subject; the local schema is not used.
    Pinned(Version),
}

/// Where and how a serializer registers: the topic, key or value, the subject name strategy and the
/// schema selection.
///
/// [`SerializerConfig::value`] and [`SerializerConfig::key`] start from Confluent's defaults
/// (topic name strategy, auto-registration without normalization).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializerConfig {
    /// The topic the records go to.
    pub topic: String,
    /// Key or value.
    pub field: MessageField,
    /// How the subject is named.
    pub strategy: SubjectNameStrategy,
    /// Which schema is written with.
    pub selection: SchemaSelection,
}

impl SerializerConfig {
    /// Values of `topic`, Confluent's defaults otherwise.
    pub fn value(topic: impl Into<String>) -> SerializerConfig {
        SerializerConfig::new(topic, MessageField::Value)
    }

    /// Keys of `topic`, Confluent's defaults otherwise.
    pub fn key(topic: impl Into<String>) -> SerializerConfig {
        SerializerConfig::new(topic, MessageField::Key)
    }

    fn new(topic: impl Into<String>, field: MessageField) -> SerializerConfig {
        SerializerConfig {
            topic: topic.into(),
            field,
            strategy: SubjectNameStrategy::Topic,
            selection: SchemaSelection::AutoRegister { normalize: false },
        }
    }

    /// The same configuration with another subject name strategy.
    pub fn with_strategy(mut self, strategy: SubjectNameStrategy) -> SerializerConfig {
        self.strategy = strategy;
        self
    }

    /// The same configuration with another schema selection.
    pub fn with_selection(mut self, selection: SchemaSelection) -> SerializerConfig {
        self.selection = selection;
        self
    }

    /// The subject this configuration names for a schema whose record full name is `record`.
    pub fn subject(&self, record: Option<&str>) -> Result<Subject, SerdeError> {
        self.strategy.subject(&self.topic, self.field, record)
    }
}
