"The literate source is the truth: the package, the notebooks' cleanliness and the README follow from it."
import filecmp, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _copy_project(tmp):
    for name in ('nbs', 'fd2dd'): shutil.copytree(ROOT/name, tmp/name, ignore=shutil.ignore_patterns('__pycache__', '_out'))
    shutil.copy(ROOT/'settings.ini', tmp/'settings.ini')
    return tmp

def _diff(a, b):
    out = []
    for p in a.rglob('*'):
        if p.is_file() and '__pycache__' not in p.parts:
            q = b/p.relative_to(a)
            if not q.exists() or not filecmp.cmp(p, q, shallow=False): out.append(str(p.relative_to(a)))
    return out

def _run(code, cwd):
    r = subprocess.run([sys.executable, '-c', code], cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

def test_library_in_sync_with_notebooks(tmp_path):
    t = _copy_project(tmp_path)
    _run('from nbdev.doclinks import nbdev_export; nbdev_export()', t)
    changed = _diff(t/'fd2dd', ROOT/'fd2dd') + _diff(ROOT/'fd2dd', t/'fd2dd')
    assert not changed, f'nbdev_export changes {sorted(set(changed))}: run `nbdev_export` and commit.'

def test_notebooks_clean(tmp_path):
    t = _copy_project(tmp_path)
    _run('from nbdev.clean import nbdev_clean; nbdev_clean()', t)
    changed = _diff(t/'nbs', ROOT/'nbs')
    assert not changed, f'nbdev_clean changes {changed}: run `nbdev_clean` and commit.'

def test_readme_in_sync():
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'nb2readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + r.stdout

def test_readme_commands_are_what_ci_runs():
    text = (ROOT/'README.md').read_text()
    assert 'pip install -e ".[dev]" && python -m pytest -n 2 tests' in text
    assert 'pip install -e . && fd2dd run' in text

def test_notebook_outputs_come_from_the_current_code():
    "Every notebook is committed executed; its stamp cell records the sources its outputs came from."
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'run_notebooks.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_notebook_code_is_formatted():
    "The code cells (and so the package) keep ruff's formatting (ruff.toml: 100 columns): `ruff format nbs` fixes them."
    r = subprocess.run([sys.executable, '-m', 'ruff', 'format', '--check', str(ROOT/'nbs')], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
