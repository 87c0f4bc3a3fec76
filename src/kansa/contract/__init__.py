"""The data contract as code: schemas, readers, header aliases, validation with row-level errors."""
