"""The HTTP side: the JSON API under ``/api`` and the web app at ``/``."""
