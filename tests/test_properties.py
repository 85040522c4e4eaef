"""Property-based tests (hypothesis): whatever bytes or YAML a user hands fd2dd, the config parser, the
distilled-set loader and the teacher loader either succeed or raise fd2dd's own error with a message,
never a raw exception from deep inside a library."""
import json, shutil, string
from pathlib import Path
import pytest, torch, yaml
from hypothesis import given, settings, strategies as st, HealthCheck
from fd2dd.core import FD2DDError, save_json
from fd2dd.pipeline import RunConfig
from fd2dd.distilled import DistilledWriter, load_distilled
from fd2dd.squeeze import load_teacher

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(string.printable, max_size=12))
values = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(string.ascii_lowercase + '_', max_size=10), c, max_size=3)), max_leaves=8)
keys = st.sampled_from(['data', 'ipc', 'methods', 'seeds', 'distill_seeds', 'train', 'recover', 'squeeze', 'device', 'nonsense'])
subkeys = st.sampled_from(['epochs', 'lr', 'size', 'method', 'batch_size', 'crop_scale', 'labels', 'iterations', 'name', 'bogus'])

@SETTINGS
@given(st.dictionaries(keys, st.one_of(values, st.dictionaries(subkeys, values, max_size=3)), max_size=4))
def test_config_parser_never_crashes_raw(d):
    try: cfg = RunConfig.from_yaml(yaml.safe_dump(d))
    except FD2DDError as e: assert str(e)
    else: assert isinstance(cfg, RunConfig)

@SETTINGS
@given(st.binary(max_size=300))
def test_config_file_bytes(tmp_path, b):
    p = tmp_path/'c.yaml'; p.write_bytes(b)
    try: RunConfig.from_yaml(p)
    except FD2DDError as e: assert str(e)

@pytest.fixture(scope='module')
def good_set(tmp_path_factory):
    d = tmp_path_factory.mktemp('set')/'s'
    w = DistilledWriter(d, ['a', 'b'], {'method': 'random', 'ipc': 1, 'size': 8, 'seed': 0, 'config': {}})
    for c in range(2): w.put(c, 0, torch.rand(3, 8, 8))
    w.finish(); return d

@SETTINGS
@given(which=st.sampled_from(['meta.json', 'classes.json', '000/000.png', '001/000.png']), data=st.binary(max_size=200))
def test_distilled_loader_with_malformed_files(good_set, tmp_path, which, data):
    d = tmp_path/'s'; shutil.rmtree(d, ignore_errors=True); shutil.copytree(good_set, d)
    (d/which).write_bytes(data)
    try: load_distilled(d)
    except FD2DDError as e: assert str(e)

@SETTINGS
@given(st.one_of(st.binary(max_size=300), values))
def test_teacher_loader_with_malformed_files(tmp_path, obj):
    p = tmp_path/'teacher.pt'
    if isinstance(obj, bytes): p.write_bytes(obj)
    else: torch.save(obj, p)
    with pytest.raises(FD2DDError): load_teacher(p)
