class IngestError(Exception):
    """Input the importer refuses; the message is shown to the librarian as it is."""
