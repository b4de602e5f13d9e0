//! The registry calls shared by every format: the writer schema's id for a [`SchemaSelection`], a
//! framed id's schema, and a schema's references in dependency order.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use accord_types::wire::WireSchemaId;
use accord_types::{
    RegisterSchemaRequest, Schema, SchemaId, SchemaReference, SchemaString, Subject, Version,
};

use super::{SchemaSelection, SerdeError};
use crate::{Client, LookupOptions, SchemaQuery};

/// Bounds on a reference graph: deeper or larger graphs are refused rather than walked.
const MAX_REFERENCE_DEPTH: usize = 32;
const MAX_REFERENCES: usize = 256;

/// The id a serializer writes, and the registered schema when the selection chose a registered version.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) id: SchemaId,
    /// `Some` for [`SchemaSelection::UseLatest`] and [`SchemaSelection::Pinned`]: the writer schema
    /// is then the registered one, not the local one.
    #[cfg_attr(
        not(any(feature = "avro", feature = "json")),
        expect(dead_code, reason = "Protobuf reads the registered file by id instead")
    )]
    pub(crate) registered: Option<Arc<Schema>>,
}

/// Asks the registry for the id `selection` designates in `subject`.
pub(crate) async fn resolve(
    client: &Client,
    subject: &Subject,
    selection: SchemaSelection,
    request: &RegisterSchemaRequest,
) -> Result<Resolved, SerdeError> {
    let (id, registered) = match selection {
        SchemaSelection::AutoRegister { normalize } => {
            (client.register(subject, request, normalize).await?.id, None)
        }
        SchemaSelection::Lookup { normalize } => {
            let options = LookupOptions {
                normalize,
                deleted: false,
            };
            (client.lookup(subject, request, options).await?.id, None)
        }
        SchemaSelection::UseLatest => {
            let latest = client.latest(subject).await?;
            (latest.id, Some(latest))
        }
        SchemaSelection::Pinned(version) => {
            let pinned = client.version(subject, version, false).await?;
            (pinned.id, Some(pinned))
        }
    };
    let id = SchemaId::try_from(id)
        .map_err(|err| SerdeError::schema(format!("subject {subject}"), err))?;
    Ok(Resolved { id, registered })
}

/// The schema a frame names, in `format` (`None` for the registry's default text).
pub(crate) async fn fetch(
    client: &Client,
    schema: WireSchemaId,
    format: Option<&str>,
) -> Result<Arc<SchemaString>, SerdeError> {
    let schema = match schema {
        WireSchemaId::Id(id) => {
            let query = SchemaQuery {
                subject: None,
                format: format.map(str::to_string),
            };
            client.schema_by_id(id, &query).await?
        }
        WireSchemaId::Guid(guid) => client.schema_by_guid(guid, format).await?,
    };
    Ok(schema)
}

/// One schema reached through references: the name it is imported or referenced by, and its text.
#[derive(Debug, Clone)]
pub(crate) struct Referenced {
    /// The import path (Protobuf) or `$ref` URI (JSON Schema); Avro resolves by type name instead.
    #[cfg_attr(
        not(any(feature = "json", feature = "protobuf")),
        expect(
            dead_code,
            reason = "only JSON Schema and Protobuf resolve references by name"
        )
    )]
    pub(crate) name: String,
    pub(crate) text: String,
}

/// Every schema `references` reach, transitively, each once, dependencies before their dependents.
pub(crate) async fn referenced(
    client: &Client,
    references: &[SchemaReference],
    format: Option<&str>,
) -> Result<Vec<Referenced>, SerdeError> {
    let mut walk = Walk {
        client,
        format,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    for reference in references {
        walk.visit(reference, 0).await?;
    }
    Ok(walk.out)
}

struct Walk<'a> {
    client: &'a Client,
    format: Option<&'a str>,
    seen: HashSet<(String, i32)>,
    out: Vec<Referenced>,
}

impl<'a> Walk<'a> {
    fn visit<'b>(
        &'b mut self,
        reference: &'b SchemaReference,
        depth: usize,
    ) -> Pin<Box<dyn Future<Output = Result<(), SerdeError>> + Send + 'b>>
    where
        'a: 'b,
    {
        Box::pin(async move {
            let key = (reference.subject.clone(), reference.version);
            if !self.seen.insert(key) {
                return Ok(());
            }
            let name = format!("reference {}", reference.name);
            if depth >= MAX_REFERENCE_DEPTH || self.seen.len() > MAX_REFERENCES {
                return Err(SerdeError::schema(
                    name,
                    "the reference graph is too deep or too large",
                ));
            }
            let subject = Subject::new(reference.subject.as_str())
                .map_err(|err| SerdeError::schema(&name, err))?;
            let version = Version::try_from(reference.version)
                .map_err(|err| SerdeError::schema(&name, err))?;
            let schema = self.client.version(&subject, version, false).await?;
            for child in &schema.references {
                self.visit(child, depth + 1).await?;
            }
            let text = match self.format {
                None => schema.schema.clone(),
                Some(_) => {
                    let id = SchemaId::try_from(schema.id)
                        .map_err(|err| SerdeError::schema(&name, err))?;
                    fetch(self.client, WireSchemaId::Id(id), self.format)
                        .await?
                        .schema
                        .clone()
                }
            };
            self.out.push(Referenced {
                name: reference.name.clone(),
                text,
            });
            Ok(())
        })
    }
}
