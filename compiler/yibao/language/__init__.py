"""Policy text ⇄ syntax tree: the grammar (yibao.lark, package data), the parser and its slips,
the tree (ast), the tree built from Lark's parse, the printer back to text, and the Pygments lexer."""
