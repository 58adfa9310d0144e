"""What a generated calculator carries, copied into it: the runtime (core), the strict JSON reader,
the fast line path, the command line (calcmain), the bound-keeping values, and the JavaScript
runtime (runtime.js). Imports nothing else of yibao: a standalone calculator has no yibao to import."""
