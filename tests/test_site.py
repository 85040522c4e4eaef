"""The documentation site in a real browser: `tools/build_site.py` builds it, headless Chromium opens
every page, and each page must load, show every picture it holds, and link only to pages and
anchors that exist. Skipped where Chromium, its driver or selenium are missing (CI installs them:
Debian's chromium and chromium-driver). Screenshots go to FD2DD_SITE_SHOTS when it is set."""
import os, shutil, subprocess, sys
from pathlib import Path
from urllib.parse import urlparse, unquote
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = shutil.which('chromium') or shutil.which('chromium-browser'), shutil.which('chromedriver')
webdriver = pytest.importorskip('selenium.webdriver', reason='selenium is not installed (pip install -e ".[dev]")')
from selenium.webdriver.support.ui import WebDriverWait
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="headless Chromium and chromedriver not found (Debian: apt-get install chromium chromium-driver)")

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site')/'_site'
    mj = Path('/usr/share/javascript/mathjax/MathJax.js')            # Debian's libjs-mathjax: equations render offline too
    extra = ['--mathjax', mj.as_uri() + '?config=TeX-AMS_CHTML'] if mj.exists() else []
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'build_site.py'), '--out', str(out), *extra], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out

@pytest.fixture(scope='module')
def browser():
    from selenium.webdriver.chrome.service import Service
    o = webdriver.ChromeOptions(); o.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
              '--disable-component-update', '--disable-sync', '--no-first-run', '--window-size=1280,1600'):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service(DRIVER), options=o)
    d.set_page_load_timeout(60)
    yield d
    d.quit()

PAGE_STATE = """
const imgs = Array.from(document.images);
return {title: document.title, math: document.querySelectorAll('.MathJax_CHTML, .MathJax, mjx-container').length, ready: document.readyState, n_cells: document.querySelectorAll('.jp-Cell').length,
        text: document.body.innerText.length,
        images: imgs.length, broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
        ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id)};
"""

def test_every_page_loads_with_its_pictures_and_working_links(site, browser):
    pages = sorted(p for p in site.rglob('*.html'))
    assert len(pages) >= 25 and (site/'index.html') in pages and (site/'api.html') in pages
    shots = os.environ.get('FD2DD_SITE_SHOTS')
    states, n_images = {}, 0
    for p in pages:
        browser.get(p.as_uri())
        browser.execute_script("window.__mj = !(window.MathJax && MathJax.Hub); if (!window.__mj) MathJax.Hub.Queue(function () { window.__mj = true; });")
        WebDriverWait(browser, 60).until(lambda d: d.execute_script('return window.__mj === true'))   # equations typeset
        s = browser.execute_script(PAGE_STATE)
        states[p] = s
        assert s['ready'] == 'complete' and s['text'] > 200, f'{p.name} did not load: {s["ready"]}, {s["text"]} characters'
        assert not s['broken'], f'{p.name}: pictures that do not display: {s["broken"]}'
        n_images += s['images']
        if shots: Path(shots).mkdir(parents=True, exist_ok=True); browser.save_screenshot(str(Path(shots)/(str(p.relative_to(site)).replace('/', '_') + '.png')))
    if Path('/usr/share/javascript/mathjax/MathJax.js').exists():           # every method page's equations typeset
        for page in ('02a_models.cal.html', '04_losses.html', '05_synth.recover.html', '05a_synth.select.html', '07_train.html', '08_metrics.html'):
            assert states[site/page]['math'] >= 3, f"{page}: {states[site/page]['math']} typeset equations"
    assert n_images >= 20, f'only {n_images} pictures in the whole site: are the notebooks committed with their outputs?'
    bad = []
    for p, s in states.items():
        for href in s['links']:
            u = urlparse(href)
            if u.scheme != 'file': continue                                      # outside links are not checked offline
            target = Path(unquote(u.path))
            if not target.exists(): bad.append(f'{p.relative_to(site)} -> {target}')
            elif u.fragment and target.suffix == '.html':
                ids = states.get(target, {}).get('ids')
                if ids is not None and u.fragment not in ids and unquote(u.fragment) not in ids: bad.append(f'{p.relative_to(site)} -> {target.name}#{u.fragment}')
    assert not bad, 'broken internal links:\n' + '\n'.join(bad[:20])

def test_the_method_pages_hold_their_equations_and_sources(site):
    "Each method notebook states its method in LaTeX and names its paper and official code (rendered by MathJax online)."
    for page, must in {'02a_models.cal.html': ['ICCV 2021', 'raoyongming/CAL', r'\mathcal{L}_{\text{CAL}}'],
                       '04_losses.html': [r'\mathcal{L}_F', r'\mathcal{L}_S', r'\mathcal{L}_{\text{BN}}', 'arXiv 2603.25144'],
                       '05_synth.recover.html': ['Guang000/FD2', 'recover/recover_FD2.py', r'\lambda_F'],
                       '05a_synth.select.html': ['arXiv 2501.06405', 'LINs-lab/RDED', r's_{\text{att}}'],
                       '07_train.html': [r'\mathrm{KL}', 'validate/train_fkd_FD2.py']}.items():
        text = (site/page).read_text()
        missing = [m for m in must if m not in text]
        assert not missing, f'{page} lacks {missing}'
