"Run every notebook under nbs/ through nbdev's test runner: one pytest case per notebook."
from pathlib import Path
import pytest
import nbdev.test as nbt
from nbdev.config import get_config

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb')
             if not any(part.startswith(('.', '_')) for part in p.relative_to(ROOT).parts))

@pytest.mark.parametrize('nb', NBS, ids=[str(p.relative_to(ROOT/'nbs')) for p in NBS])
def test_notebook(nb):
    flags = get_config(path=ROOT).get('tst_flags', '').split()
    ok, secs = nbt.test_nb(nb, skip_flags=flags, do_print=False)
    assert ok, f'notebook {nb.name} failed (see the traceback above)'

def test_found_notebooks():
    assert any(p.name == '00_core.ipynb' for p in NBS)
