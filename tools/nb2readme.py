#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb (quarto, which `nbdev_readme` needs, is not available).

nbconvert's Markdown exporter does the conversion; a preprocessor drops cells marked `#| hide`
and strips nbdev directives, and image links are rebased from `nbs/` to the repository root.
`python tools/nb2readme.py --check` exits 1 when README.md is out of date.
"""
import posixpath, re, sys
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter
from nbconvert.preprocessors import Preprocessor

ROOT = Path(__file__).resolve().parents[1]
HEADER = '<!-- generated from nbs/index.ipynb by tools/nb2readme.py: edit the notebook, not this file -->\n\n'

class NbdevDirectives(Preprocessor):
    "Drop hidden cells and nbdev `#|` directive lines."
    def preprocess(self, nb, resources):
        keep = []
        for c in nb.cells:
            lines = c.source.splitlines()
            if c.cell_type == 'code' and any(re.match(r'#\|\s*hide\b', l) for l in lines): continue
            if c.cell_type == 'code':
                c.source = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
                if not c.source: continue
            keep.append(c)
        nb.cells = keep
        return nb, resources

def render() -> str:
    nb = nbformat.read(ROOT/'nbs'/'index.ipynb', as_version=4)
    exp = MarkdownExporter(); exp.register_preprocessor(NbdevDirectives, enabled=True)
    body, _ = exp.from_notebook_node(nb)
    # links in the notebook are relative to nbs/; in README.md they are relative to the repository root
    body = re.sub(r'\]\((?![a-z]+:|#|/)([^)\s]+)\)', lambda m: f"]({posixpath.normpath('nbs/' + m.group(1))})", body)
    body = re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'
    return HEADER + body

if __name__ == '__main__':
    text, readme = render(), ROOT/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python tools/nb2readme.py`.')
        print('README.md is in sync with nbs/index.ipynb')
    else:
        readme.write_text(text); print('wrote README.md')
