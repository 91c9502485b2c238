"""The import pipeline: read → bind → parse → resolve → write, with a report at the end."""
