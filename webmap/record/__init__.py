"""The report record: model, validation, file formats, sources, publishers and revisions."""
