#!/usr/bin/env python
"""Build the documentation site: every notebook as it is committed (with its outputs, nothing is
executed) rendered to HTML by nbconvert, a navigation bar in the reading order of the index page,
and an API reference generated from the package's docstrings and signatures, each entry linked to
the notebook that defines it.

nbconvert renders the notebooks because it is already part of the project's tools (jupyterlab
depends on it), renders committed outputs as they are, and needs neither quarto (which cannot be
installed here) nor a site generator of its own. Notebook links (`x.ipynb`) become page links
(`x.html`); pictures the notebooks embed stay embedded, pictures they link (`images/...`) are
copied beside the pages.

Usage: python tools/build_site.py [--out _site] [--mathjax URL]"""
import argparse, html, importlib, inspect, re, shutil, sys
from pathlib import Path
import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
MATHJAX = 'https://cdn.jsdelivr.net/npm/mathjax@2.7.9/MathJax.js?config=TeX-AMS_CHTML-full,Safe'

def reading_order()->list:
    "Notebook paths (relative to nbs/) in the order the index page links them, then any the index does not link."
    text = ''.join(c.source for c in nbformat.read(NBS/'index.ipynb', as_version=4).cells if c.cell_type == 'markdown')
    text = text[text.find('Learn the methods'):]                   # the two reading tracks, in their order
    order = ['index.ipynb']
    for m in re.finditer(r'\]\(([^)#]+\.ipynb)', text):
        p = m.group(1)
        if p not in order and (NBS/p).exists(): order.append(p)
    rest = sorted(str(p.relative_to(NBS)) for p in NBS.rglob('*.ipynb')
                  if not any(q.startswith(('.', '_')) for q in p.relative_to(NBS).parts))
    return order + [p for p in rest if p not in order]

def title_of(nb)->str:
    for c in nb.cells:
        if c.cell_type == 'markdown':
            m = re.search(r'^#\s+(.+)$', c.source, re.M)
            if m: return m.group(1).strip()
    return 'fd2dd'

def page_name(nb_path:str)->str: return nb_path[:-len('.ipynb')] + '.html'

def rel(frm:str, to:str)->str:
    "Relative link from page `frm` to page `to` (both relative to the site root)."
    up = '../' * frm.count('/')
    return up + to

NAV_CSS = """<style>
body { margin-left: 17rem !important; }
#fd2dd-nav { position: fixed; top: 0; left: 0; bottom: 0; width: 16rem; overflow-y: auto; padding: 1rem 0.8rem;
  background: #f6f8fa; border-right: 1px solid #d0d7de; font: 14px/1.4 system-ui, sans-serif; z-index: 10; }
#fd2dd-nav a { display: block; padding: 2px 4px; color: #0969da; text-decoration: none; }
#fd2dd-nav a.here { font-weight: 600; color: #1f2328; background: #e7ecf0; border-radius: 4px; }
#fd2dd-nav h4 { margin: 0.9rem 0 0.3rem; font-size: 12px; text-transform: uppercase; color: #57606a; }
</style>"""

def nav_html(here:str, pages:list, titles:dict)->str:
    items = []
    for p in pages:
        cls = ' class="here"' if p == here else ''
        items.append(f'<a{cls} href="{rel(here, p)}">{html.escape(titles[p])}</a>')
    return (f'<nav id="fd2dd-nav"><a href="{rel(here, "index.html")}"><b>fd2dd</b></a><h4>Notebooks, in reading order</h4>'
            + ''.join(items[1:-2]) + f'<h4>Reference</h4>{items[-2]}{items[-1]}</nav>')

EXTRA = {'BENCHMARKS.md': 'benchmarks.html'}   # repository files the notebooks link, rendered as pages

def fix_links(body:str, here:str)->str:
    "Notebook links become page links; a link to BENCHMARKS.md becomes its page."
    def sub(m):
        url = m.group(2)
        if re.match(r'^[a-z]+:|^#', url): return m.group(0)
        path, _, frag = url.partition('#')
        if path.endswith('.ipynb'): path = path[:-len('.ipynb')] + '.html'
        target = (NBS/Path(here).parent/path).resolve()
        if target.parent == ROOT and target.name in EXTRA: path = rel(here, EXTRA[target.name])
        return f'{m.group(1)}"{path}{"#" + frag if frag else ""}"'
    return re.sub(r'(href=)"([^"]*)"', sub, body)

def md_page(src:Path, here:str, pages:list, titles:dict, mathjax:str)->str:
    "A repository markdown file as a page of the site (mistune, which nbconvert itself uses)."
    import mistune
    body = mistune.html(src.read_text())
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(titles[here])}</title>{NAV_CSS}'
            f'<style>body{{font:15px/1.5 system-ui,sans-serif; padding:1rem 2rem}} table{{border-collapse:collapse}} '
            f'td,th{{border:1px solid #d0d7de; padding:2px 6px}}</style></head><body>{nav_html(here, pages, titles)}{fix_links(body, here)}</body></html>')

def api_page(pages:list, titles:dict)->str:
    "The public names of every fd2dd module: signature, first docstring line, and the notebook that defines it."
    sys.path.insert(0, str(ROOT))
    from fd2dd._modidx import d
    here = 'api.html'; out = ['<h1>API reference</h1><p>Every public name of the package, grouped by module, with its signature and '
                              'docstring; the link leads to the notebook that defines, explains and tests it.</p>']
    for mod in sorted(d['syms']):
        m = importlib.import_module(mod)
        names = [n for n in getattr(m, '__all__', []) if not n.startswith('_')]
        if not names: continue
        out.append(f'<h2 id="{mod}"><code>{mod}</code></h2>')
        src = getattr(m, '__file__', '')
        nb = None
        for line in Path(src).read_text().splitlines():
            mm = re.match(r'# AUTOGENERATED! DO NOT EDIT! File to edit: (.+\.ipynb)', line)
            if mm: nb = Path(mm.group(1)).name; break
        nbpage = next((p for p in pages if Path(p).name == (nb or '').replace('.ipynb', '.html')), None)
        if nbpage: out.append(f'<p>Defined in <a href="{rel(here, nbpage)}">{html.escape(titles[nbpage])}</a>.</p>')
        out.append('<dl>')
        for n in names:
            obj = getattr(m, n, None)
            try: sig = str(inspect.signature(obj)) if callable(obj) else ''
            except (TypeError, ValueError): sig = ''
            doc = (inspect.getdoc(obj) or '').split('\n')[0] if callable(obj) or inspect.isclass(obj) else ''
            out.append(f'<dt id="{mod}.{n}"><code><b>{html.escape(n)}</b>{html.escape(sig)}</code></dt><dd>{html.escape(doc)}</dd>')
        out.append('</dl>')
    return '\n'.join(out)

def build(out:Path, mathjax:str=MATHJAX)->list:
    "Write the site into `out`; returns the pages written (relative to `out`)."
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    order = reading_order()
    pages = [page_name(p) for p in order] + ['benchmarks.html', 'api.html']
    nbs = {p: nbformat.read(NBS/p, as_version=4) for p in order}
    titles = {page_name(p): title_of(nb) for p, nb in nbs.items()}; titles['index.html'] = 'fd2dd: start here'
    titles['api.html'] = 'API reference'; titles['benchmarks.html'] = 'Benchmarks (BENCHMARKS.md)'
    ex = HTMLExporter(template_name='lab', mathjax_url=mathjax)
    ex.exclude_input_prompt = ex.exclude_output_prompt = True
    for p, nb in nbs.items():
        nb.cells = [c for c in nb.cells if not c.source.lstrip().startswith(('#| hide', '#| default_exp'))]   # as in nbdev's docs
        for c in nb.cells:                                         # directives are for nbdev, not for readers
            if c.cell_type == 'code': c.source = '\n'.join(l for l in c.source.split('\n') if not l.startswith('#|'))
        body, _ = ex.from_notebook_node(nb, resources={'metadata': {'name': titles[page_name(p)]}})
        here = page_name(p)
        body = fix_links(body, here).replace('<body', NAV_CSS + '<body', 1)
        body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + nav_html(here, pages, titles), body, count=1)
        (out/here).parent.mkdir(parents=True, exist_ok=True); (out/here).write_text(body)
    api = api_page(pages, titles)
    (out/'api.html').write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>fd2dd API reference</title>{NAV_CSS}'
                                f'<style>dt{{margin-top:.8rem}} body{{font:15px/1.5 system-ui,sans-serif; padding:1rem 2rem}}</style></head>'
                                f'<body>{nav_html("api.html", pages, titles)}{api}</body></html>')
    (out/'benchmarks.html').write_text(md_page(ROOT/'BENCHMARKS.md', 'benchmarks.html', pages, titles, mathjax))
    if (NBS/'images').is_dir(): shutil.copytree(NBS/'images', out/'images')
    return pages

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=str(ROOT/'_site')); ap.add_argument('--mathjax', default=MATHJAX, help='MathJax URL (a local copy for offline reading)')
    a = ap.parse_args()
    pages = build(Path(a.out), a.mathjax)
    print(f'wrote {len(pages)} pages to {a.out} (open {Path(a.out)/"index.html"})')
