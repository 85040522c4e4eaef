#!/usr/bin/env python
"""Execute the notebooks and keep their outputs, so that a reader who never runs them sees every
figure and number the prose talks about. Each notebook runs in a fresh Jupyter kernel (nbclient) in
its own folder, in full mode (IN_TEST unset; each notebook states what its full mode costs) unless
--fast, which sets IN_TEST=1 as the test runner does. Afterwards the notebook's last cell, a hidden
stamp cell, gets as its output the hash of the fd2dd sources and of the notebook's own code cells:
`python tools/run_notebooks.py --check` (and tests/test_sync.py) fails when a notebook's outputs
were made by other code than the current one. nbdev_clean then strips execution counts and metadata.

Usage: python tools/run_notebooks.py [NOTEBOOK ...] [--fast] [--timeout S] [--check]"""
import argparse, hashlib, os, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
STAMP_SRC = '#| hide\n# outputs stamp: tools/run_notebooks.py writes this cell\'s output (the sources the outputs came from)'
PREFIX = 'fd2dd outputs stamp '

def notebooks()->list:
    return sorted(p for p in (ROOT/'nbs').rglob('*.ipynb') if not any(q.startswith(('.', '_')) for q in p.relative_to(ROOT).parts))

def stamp(nb)->str:
    "Hash of the package's sources and of this notebook's code cells (the stamp cell excluded)."
    h = hashlib.sha256()
    for p in sorted((ROOT/'fd2dd').rglob('*.py')):
        if p.name != '_modidx.py' and '__pycache__' not in p.parts: h.update(p.read_bytes())
    for c in nb.cells:
        if c.cell_type == 'code' and c.source != STAMP_SRC: h.update(c.source.encode())
    return h.hexdigest()[:16]

def recorded(nb)->str|None:
    "The stamp in a notebook's stamp cell output, or None."
    for c in nb.cells:
        if c.cell_type == 'code' and c.source == STAMP_SRC:
            for o in c.get('outputs', []):
                if o.get('name') == 'stdout' and o.get('text', '').startswith(PREFIX): return o['text'][len(PREFIX):].split()[0]
    return None

def ensure_stamp_cell(nb):
    "Put the stamp cell before the hidden export cell at the end (or last)."
    if any(c.cell_type == 'code' and c.source == STAMP_SRC for c in nb.cells): return
    i = len(nb.cells)
    if nb.cells and 'nbdev_export()' in nb.cells[-1].source: i -= 1
    nb.cells.insert(i, nbformat.v4.new_code_cell(STAMP_SRC))

def execute(path:Path, fast:bool, timeout:int):
    nb = nbformat.read(path, as_version=4); ensure_stamp_cell(nb)
    env = os.environ.copy(); env.update(MPLBACKEND='module://matplotlib_inline.backend_inline', FD2DD_QUIET='1', HF_HUB_OFFLINE='1')
    if fast: env['IN_TEST'] = '1'
    else: env.pop('IN_TEST', None)
    old = {k: os.environ.get(k) for k in env}; os.environ.update(env)
    try:
        run = nbformat.from_dict(nb)        # a copy to execute; cells marked `eval: false` (the export cell) are not run, as in nbdev
        for c in run.cells:
            if c.cell_type == 'code' and '#| eval: false' in c.source: c.source = ''
        NotebookClient(run, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
        outs = {c.id: r.outputs for c, r in zip(nb.cells, run.cells) if c.cell_type == 'code'}
        srcs = {c.id: c.source for c in nb.cells if c.cell_type == 'code'}
        nb = nbformat.read(path, as_version=4); ensure_stamp_cell(nb)   # the file as it is now: prose edited meanwhile is kept
        now = {c.id: c.source for c in nb.cells if c.cell_type == 'code'}
        if now != srcs: raise RuntimeError(f'{path}: code cells changed while it executed; run it again.')
        for c in nb.cells:
            if c.cell_type == 'code': c.outputs = outs[c.id]
    finally:
        for k, v in old.items():
            if v is None: os.environ.pop(k, None)
            else: os.environ[k] = v
    for c in nb.cells:
        if c.cell_type == 'code' and c.source == STAMP_SRC:
            mode = 'reduced budgets (IN_TEST=1, as under the test runner)' if fast else 'full budgets'
            c.outputs = [nbformat.v4.new_output('stream', name='stdout', text=f'{PREFIX}{stamp(nb)} ({mode})\n')]
    nbformat.write(nb, path)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('notebooks', nargs='*'); ap.add_argument('--fast', action='store_true')
    ap.add_argument('--timeout', type=int, default=1200); ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    paths = [Path(p).resolve() for p in a.notebooks] or notebooks()
    if a.check:
        stale = [str(p.relative_to(ROOT)) for p in paths if recorded(nbformat.read(p, as_version=4)) != stamp(nbformat.read(p, as_version=4))]
        if stale: print('outputs not made by the current code (run python tools/run_notebooks.py ' + ' '.join(stale) + '):\n  ' + '\n  '.join(stale)); sys.exit(1)
        print(f'{len(paths)} notebooks: outputs made by the current code'); return
    for p in paths:
        t = time.time(); print(f'{p.relative_to(ROOT)} ...', end=' ', flush=True)
        execute(p, a.fast, a.timeout); print(f'{time.time() - t:.0f}s', flush=True)
    from nbdev.clean import nbdev_clean
    os.chdir(ROOT); nbdev_clean()

if __name__ == '__main__': main()
