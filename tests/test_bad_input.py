"""Bad input, reused folders and unsafe files against the `fd2dd` command: each case must exit 2 with one
line that names the problem, and leave what existed before unchanged. In-process (`fd2dd.cli.main`), tiny sizes."""
import hashlib, json, os, pickle, shutil
from pathlib import Path
import pytest, torch
from fd2dd.cli import main
from fd2dd.core import save_torch

TINY = ['--size', '32', '--quiet', '--set', 'data.num_classes=3', '--set', 'data.n_train=8', '--set', 'data.n_test=3',
        '--set', 'squeeze.epochs=1', '--set', 'squeeze.cal_start=0', '--set', 'squeeze.M=2', '--set', 'squeeze.arch_kwargs={width: 4}',
        '--set', 'recover.iterations=1', '--set', 'train.epochs=1', '--set', 'train.min_steps=0', '--set', 'train.avg_last=1',
        '--set', 'train.arch_kwargs={width: 4}', '--set', 'rded.pool=4', '--set', 'workers=1']

def snapshot(root:Path)->dict:
    "Every file under root with its content hash."
    return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(root.rglob('*')) if p.is_file()} if root.exists() else {}

@pytest.fixture(scope='module')
def work(tmp_path_factory):
    "A tiny teacher and a tiny distilled set, made once."
    w = tmp_path_factory.mktemp('work')
    assert main(['squeeze', '--out', str(w/'t'), *TINY]) == 0
    assert main(['distill', '--teacher', str(w/'t'), '--method', 'random', '--ipc', '2', '--out', str(w/'set'), *TINY]) == 0
    return w

class Payload:
    "Unpickling this runs code: it must never happen when fd2dd loads a file."
    def __reduce__(self): return (os.system, (f'touch {os.environ["FD2DD_PAYLOAD_MARK"]}',))

def fails(capsys, argv, *needles, unchanged=()):
    "Run the command: exit 2, one error line containing every needle, and the folders in `unchanged` as before."
    before = {str(p): snapshot(Path(p)) for p in unchanged}
    code = main([str(a) for a in argv]); err = capsys.readouterr().err.strip()
    assert code == 2, f'exit {code}, stderr: {err}'
    lines = [l for l in err.splitlines() if l.startswith('fd2dd: error:')]
    assert len(lines) == 1 and 'Traceback' not in err, err
    for n in needles: assert n in lines[0], (n, lines[0])
    for p, s in before.items(): assert snapshot(Path(p)) == s, f'{p} changed'

# --- configuration values: rejected before any work, nothing written -----------------------------------------
CONFIG_CASES = [
    (['--set', 'train.epochs=abc'], 'train.epochs takes int'), (['--set', 'data.size=32.5'], 'data.size takes int'),
    (['--size', '0'], 'DataConfig.size must be at least 16'), (['--set', 'train.labels=x'], "'soft' or 'hard'"),
    (['--set', 'train.bn_mode=train'], "'eval' or 'batch'"), (['--set', 'train.lr=-1'], 'TrainConfig.lr must be positive'),
    (['--set', 'train.batch_size=0'], 'batch_size must be at least 1'), (['--set', 'train.crop_scale=[0.9, 0.5]'], 'crop_scale'),
    (['--set', 'train.cutmix=2'], 'cutmix must be in [0, 1]'), (['--set', 'train.T=0'], 'T must be positive'),
    (['--set', 'recover.crop_per=pixel'], "'image' or 'batch'"), (['--set', 'recover.distance=l3'], "'l2', 'l1' or 'cos'"),
    (['--set', 'recover.init=zeros'], "'auto', 'noise' or 'patches'"), (['--set', 'recover.method=fd3'], 'Unknown recover method'),
    (['--set', 'recover.iterations=-5'], 'iterations must be at least 0'), (['--set', 'recover.ls_schedule=x'], "'fd2dd' or 'reference'"),
    (['--set', 'squeeze.center_rule=mean'], "'reference' or 'ema'"), (['--set', 'squeeze.optimizer=lion'], "'adamw' or 'sgd'"),
    (['--set', 'squeeze.counterfactual=none'], "'random', 'uniform'"), (['--set', 'squeeze.cal_start=50'], 'below epochs'),
    (['--set', 'squeeze.r=1.5'], 'r must be in [0, 1]'), (['--set', 'squeeze.cal=maybe'], 'squeeze.cal takes bool'),
    (['--set', 'data.val_fraction=1'], 'val_fraction must be in [0, 1)'), (['--set', 'data.num_classes=1'], 'num_classes must be at least 2'),
    (['--set', 'recover.lr=fast'], 'recover.lr takes float'), (['--set', 'ipc=0'], 'ipc must be at least 1'),
    (['--seeds', 'a,b'], '--seeds takes comma-separated integers'), (['--seeds', ''], '--seeds takes comma-separated integers'), (['--seeds', '0,0'], 'repeat a run'),
    (['--seeds', '0,1', '--distill-seeds', '0'], 'one entry per student seed'), (['--methods', 'fd2,mtt'], 'valid: random'), (['--methods', ''], '--methods names no method'),
    (['--dataset', 'birds'], 'valid: synthbirds'), (['--set', 'train.epoch=3'], 'valid keys here'), (['--set', 'trian.epochs=3'], 'Unknown config section'),
    (['--set', 'epochs'], 'KEY=VALUE'), (['--device', 'tpu'], "Unknown device 'tpu'"), (['--device', 'cuda:0'], 'CUDA is not available'),
]

@pytest.mark.parametrize('args,needle', CONFIG_CASES, ids=[' '.join(a) for a, _ in CONFIG_CASES])
def test_bad_run_config(tmp_path, capsys, args, needle):
    if 'cuda' in ' '.join(args) and torch.cuda.is_available(): pytest.skip('this machine has CUDA')
    fails(capsys, ['run', '--out', tmp_path/'run', *TINY, *args], needle)
    assert not (tmp_path/'run').exists() or not any((tmp_path/'run').iterdir()), 'a refused run wrote files'

# --- files that are not what they claim --------------------------------------------------------------------
def test_teacher_with_code_payload_is_never_executed(work, tmp_path, capsys, monkeypatch):
    mark = tmp_path/'payload-ran'; monkeypatch.setenv('FD2DD_PAYLOAD_MARK', str(mark))
    bad = tmp_path/'teacher.pt'; torch.save({'format': 'fd2dd-teacher/1', 'x': Payload()}, bad)
    fails(capsys, ['distill', '--teacher', bad, '--method', 'random', '--out', tmp_path/'d', *TINY], 'Cannot read teacher checkpoint')
    fails(capsys, ['evaluate', '--distilled', work/'set', '--teacher', bad, '--out', tmp_path/'e', *TINY], 'Cannot read teacher checkpoint')
    assert not mark.exists(), 'loading a teacher ran code from the file'

def test_last_checkpoint_with_payload_is_never_executed(tmp_path, capsys, monkeypatch):
    mark = tmp_path/'payload-ran'; monkeypatch.setenv('FD2DD_PAYLOAD_MARK', str(mark))
    (tmp_path/'t').mkdir(); torch.save({'meta': Payload()}, tmp_path/'t'/'last.pt')
    with pytest.raises(Exception): main(['squeeze', '--out', str(tmp_path/'t'), *TINY])
    assert not mark.exists(), 'resuming ran code from last.pt'

@pytest.mark.parametrize('content', [b'', b'not a checkpoint', pickle.dumps([1, 2, 3])], ids=['empty', 'text', 'list'])
def test_corrupt_teacher(tmp_path, capsys, content):
    (tmp_path/'teacher.pt').write_bytes(content)
    fails(capsys, ['distill', '--teacher', tmp_path/'teacher.pt', '--method', 'random', '--out', tmp_path/'d', *TINY], str(tmp_path/'teacher.pt'),
          'fd2dd import-teacher')

def test_missing_teacher(tmp_path, capsys):
    fails(capsys, ['distill', '--teacher', tmp_path/'none.pt', '--method', 'random', '--out', tmp_path/'d', *TINY], 'fd2dd squeeze')

# --- reused folders ------------------------------------------------------------------------------------------
def test_squeeze_folder_reused_for_other_data(work, tmp_path, capsys):
    shutil.copytree(work/'t', tmp_path/'t')
    save_torch(torch.load(work/'t'/'teacher.pt', weights_only=True) | {'epoch': 0, 'optimizer': {}, 'scheduler': {}, 'history': []}, tmp_path/'t'/'last.pt')
    fails(capsys, ['squeeze', '--out', tmp_path/'t', *TINY, '--set', 'data.seed=5'], 'trained on other data', unchanged=[tmp_path/'t'])

def test_distill_resumed_with_another_teacher(work, tmp_path, capsys):
    assert main(['squeeze', '--out', str(tmp_path/'t2'), *TINY, '--set', 'squeeze.seed=1']) == 0
    assert main(['distill', '--teacher', str(work/'t'), '--method', 'sre2l', '--ipc', '2', '--out', str(tmp_path/'d'), *TINY]) == 0
    meta = json.loads((tmp_path/'d'/'meta.json').read_text()); meta['complete'] = False
    (tmp_path/'d'/'meta.json').write_text(json.dumps(meta)); (tmp_path/'d'/'000'/'001.png').unlink()
    fails(capsys, ['distill', '--teacher', tmp_path/'t2', '--method', 'sre2l', '--ipc', '2', '--out', tmp_path/'d', *TINY],
          'one set must come from one teacher', unchanged=[tmp_path/'d'])

def test_distilled_set_for_other_classes(work, tmp_path, capsys):
    fails(capsys, ['distill', '--teacher', work/'t', '--method', 'random', '--out', tmp_path/'d', *TINY, '--set', 'data.num_classes=4'],
          'classes differ from the teacher')

# --- outputs checked before the work -----------------------------------------------------------------------
def test_evaluate_out_is_a_file(work, tmp_path, capsys):
    (tmp_path/'out').write_text('keep me')
    fails(capsys, ['evaluate', '--distilled', work/'set', '--teacher', work/'t', '--out', tmp_path/'out', *TINY], 'is a file')
    assert (tmp_path/'out').read_text() == 'keep me'

def test_evaluate_keeps_earlier_results(work, tmp_path, capsys):
    (tmp_path/'e').mkdir(); (tmp_path/'e'/'results.json').write_text('{"earlier": true}')
    fails(capsys, ['evaluate', '--distilled', work/'set', '--teacher', work/'t', '--out', tmp_path/'e', *TINY], 'exists from an earlier run',
          unchanged=[tmp_path/'e'])

def test_report_of_a_folder_without_results(work, capsys):
    fails(capsys, ['report', work/'t'], 'has no results.json', unchanged=[work/'t'])

# --- distilled sets damaged on disk ------------------------------------------------------------------------
def _damaged(work, tmp_path, how):
    d = tmp_path/'set'; shutil.copytree(work/'set', d); how(d); return d

DAMAGE = {
    'meta.json missing': (lambda d: (d/'meta.json').unlink(), 'meta.json is missing'),
    'meta.json not an object': (lambda d: (d/'meta.json').write_text('0'), 'must be a JSON object'),
    'classes.json not a list of names': (lambda d: (d/'classes.json').write_text('{"a": 1}'), 'must be a JSON list of class names'),
    'classes.json missing': (lambda d: (d/'classes.json').unlink(), 'classes.json is missing'),
    'undecodable PNG': (lambda d: (d/'000'/'000.png').write_bytes(b'garbage'), '000.png cannot be decoded'),
    'wrong-size PNG': (lambda d: __import__('PIL.Image', fromlist=['Image']).new('RGB', (20, 20)).save(d/'001'/'000.png'), 'is 20x20 px'),
    'empty class folder': (lambda d: [p.unlink() for p in (d/'002').glob('*.png')], 'class 2'),
    'incomplete set': (lambda d: (d/'meta.json').write_text(json.dumps({**json.loads((d/'meta.json').read_text()), 'complete': False})), 'is incomplete'),
}

@pytest.mark.parametrize('case', list(DAMAGE))
def test_damaged_distilled_set(work, tmp_path, capsys, case):
    how, needle = DAMAGE[case]; d = _damaged(work, tmp_path, how)
    fails(capsys, ['evaluate', '--distilled', d, '--teacher', work/'t', '--out', tmp_path/'e', *TINY], needle, unchanged=[d])

def test_missing_distilled_set(work, tmp_path, capsys):
    fails(capsys, ['evaluate', '--distilled', tmp_path/'nothing', '--teacher', work/'t', '--out', tmp_path/'e', *TINY], 'does not exist')

# --- divergence ------------------------------------------------------------------------------------------------
def test_diverging_teacher_is_not_saved(tmp_path, capsys):
    fails(capsys, ['squeeze', '--out', tmp_path/'t', *TINY, '--set', 'squeeze.lr=1e12', '--set', 'squeeze.epochs=2'], 'lower lr')
    assert not (tmp_path/'t'/'teacher.pt').exists()

def test_report_of_an_evaluate_folder(work, tmp_path, capsys):
    (tmp_path/'e').mkdir(); (tmp_path/'e'/'results.json').write_text('{"final_mean": 0.5}')
    fails(capsys, ['report', tmp_path/'e'], 'was not written by `fd2dd run`', unchanged=[tmp_path/'e'])

def test_size_conflicting_with_the_teacher(work, tmp_path, capsys):
    fails(capsys, ['distill', '--teacher', work/'t', '--method', 'random', '--out', tmp_path/'d', *TINY, '--set', 'data.size=48'],
          'conflicts with the teacher, which takes 32 px')

def test_later_stages_take_the_size_from_the_teacher(work, tmp_path, capsys):
    args = [a for a in TINY if a not in ('--size', '32')]
    assert main(['distill', '--teacher', str(work/'t'), '--method', 'random', '--ipc', '1', '--out', str(tmp_path/'d'), *args]) == 0
    assert json.loads((tmp_path/'d'/'meta.json').read_text())['size'] == 32

def test_root_without_dataset_name_is_an_imagefolder(tmp_path, capsys):
    fails(capsys, ['squeeze', '--root', tmp_path/'my_images', '--out', tmp_path/'t', *TINY], 'does not exist')

def test_pretrained_offline_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    fails(capsys, ['squeeze', '--out', tmp_path/'t', *TINY, '--arch', 'resnet18', '--set', 'squeeze.pretrained=true'], 'pretrained=false')

def _folder(root:Path, n=3):
    "A tiny ImageFolder (train/test, two classes, n 40x40 PNGs each)."
    from PIL import Image
    import numpy as np
    g = np.random.default_rng(0)
    for split in ('train', 'test'):
        for c in ('ant', 'bee'):
            (root/split/c).mkdir(parents=True)
            for i in range(n): Image.fromarray(g.integers(0, 255, (40, 40, 3), dtype=np.uint8)).save(root/split/c/f'{i}.png')
    return root

def test_corrupt_image_in_a_folder_then_skipped(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv('FD2DD_CACHE', str(tmp_path/'cache'))
    root = _folder(tmp_path/'imgs'); (root/'train'/'bee'/'1.png').write_bytes(b'\x89PNG truncated')
    fails(capsys, ['squeeze', '--root', root, '--out', tmp_path/'t', *TINY], 'bee/1.png', 'data.skip_corrupt=true')
    assert not (tmp_path/'t'/'teacher.pt').exists()
    assert main(['squeeze', '--root', str(root), '--out', str(tmp_path/'t'), *TINY, '--set', 'data.skip_corrupt=true']) == 0
    assert (tmp_path/'t'/'teacher.pt').exists()

@pytest.mark.parametrize('kind', ['dangling', 'loop'])
def test_broken_symlink_in_a_folder_then_skipped(tmp_path, capsys, monkeypatch, kind):
    monkeypatch.setenv('FD2DD_CACHE', str(tmp_path/'cache'))
    root = _folder(tmp_path/'imgs'); link = root/'train'/'ant'/'9.png'
    link.symlink_to(tmp_path/'gone.png' if kind == 'dangling' else link)
    fails(capsys, ['squeeze', '--root', root, '--out', tmp_path/'t', *TINY], 'ant/9.png', 'symlink', 'data.skip_corrupt=true')
    with pytest.warns(UserWarning, match='9.png'):
        assert main(['squeeze', '--root', str(root), '--out', str(tmp_path/'t'), *TINY, '--set', 'data.skip_corrupt=true']) == 0

@pytest.mark.parametrize('method', ['random', 'rded', 'focusdd', 'sre2l', 'sre2l++', 'cda', 'fd2', 'fadrm+', 'fadrm+fd2'])
def test_a_finished_set_is_a_plain_imagefolder(work, tmp_path, method):
    "torchvision's ImageFolder opens a finished set with the right labels: no cache or hidden folder is left in it."
    from torchvision.datasets import ImageFolder
    out = tmp_path/'set'
    extra = ['--set', 'focus.attention=cal'] if method == 'focusdd' else []
    assert main(['distill', '--teacher', str(work/'t'), '--method', method, '--ipc', '2', '--out', str(out), *TINY, *extra]) == 0
    ds = ImageFolder(out); names = json.loads((out/'classes.json').read_text())
    assert ds.classes == [f'{c:03d}' for c in range(len(names))] and [y for _, y in ds.samples] == [c for c in range(len(names)) for _ in range(2)]
    assert not [p for p in out.iterdir() if p.name.startswith('.')]

def test_a_class_missing_from_the_test_split(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv('FD2DD_CACHE', str(tmp_path/'cache'))
    root = _folder(tmp_path/'imgs'); shutil.copytree(root/'train'/'bee', root/'train'/'cat')
    fails(capsys, ['squeeze', '--root', root, '--out', tmp_path/'t', *TINY], "missing ['cat']", 'both splits', 'data.classes=')
    assert main(['squeeze', '--root', str(root), '--out', str(tmp_path/'t'), *TINY, '--set', 'data.classes=[ant, bee]']) == 0  # the fix it names

def test_a_folder_teacher_used_without_its_data(tmp_path, capsys, monkeypatch):
    "Without --root the data is synthbirds: the error says to give the teacher's data, not to train another teacher."
    monkeypatch.setenv('FD2DD_CACHE', str(tmp_path/'cache'))
    root = _folder(tmp_path/'imgs')
    assert main(['squeeze', '--root', str(root), '--out', str(tmp_path/'t'), *TINY]) == 0
    fails(capsys, ['distill', '--teacher', tmp_path/'t', '--method', 'random', '--out', tmp_path/'d', '--quiet'],
          "missing ['ant', 'bee']", 'No data was given', 'imagefolder', '--root')
