"""The web target: one self-contained page (the JavaScript module, a form from the notice's facts,
page.js and page.css)."""
