"""Backends: checked IR → code, one folder a target (python, numpy, javascript, web), what their
generators share (common), and the one registry of targets the command line, the server, the cache
and rolls use (targets). A backend never imports the checker."""
