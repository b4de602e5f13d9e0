//! Integration tests of `accord-types`: wire framing (golden bytes and randomized properties), typed ids, and DTO shapes.

mod dto;
mod ids;
mod wire_golden;
mod wire_properties;
