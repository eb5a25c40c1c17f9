"""The governed metric dictionary: model, validation, versioned store, compiler and lineage."""
