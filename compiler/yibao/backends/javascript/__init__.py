"""The JavaScript target: an ES module for node or a browser (money in BigInt fen), with the runtime
copied from runtime/runtime.js."""
