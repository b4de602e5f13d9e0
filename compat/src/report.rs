//! Compatibility verdicts as values: every violation, with Confluent's rule name, a path and message.

/// The result of a compatibility check: empty means compatible.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompatReport {
    /// One entry per previous version found incompatible (at most one: checks stop at the first).
    pub incompatibilities: Vec<Incompatibility>,
}

impl CompatReport {
    /// Whether the new schema is compatible.
    pub fn is_compatible(&self) -> bool {
        self.incompatibilities.is_empty()
    }
}

/// The violations found against one previous version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    /// Index into the `previous_oldest_first` slice given to [`crate::check`].
    pub previous_index: usize,
    /// Every violation, in the order Confluent reports them.
    pub violations: Vec<Violation>,
    /// Whether Confluent cites the previous version (`{oldSchemaVersion}`, `{oldSchema}`) after
    /// the violations: not when only the forward half of a FULL check failed, and not for a
    /// change of schema type.
    pub cites_previous: bool,
}

/// One reason a schema is incompatible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Confluent's error type, for example `READER_FIELD_MISSING_DEFAULT_VALUE`.
    pub rule: String,
    /// JSON-pointer-like location of the offending element, for example `/fields/1`.
    pub path: String,
    /// The message exactly as Confluent renders it in verbose output.
    pub message: String,
}
