"The fd2dd command end to end on a tiny configuration, bad arguments, and resume after a kill."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch

FD2DD = str(Path(sys.executable).parent/'fd2dd')
TINY = ['--size', '32', '--quiet', '--set', 'data.num_classes=3', '--set', 'data.n_train=10', '--set', 'data.n_test=4',
        '--set', 'squeeze.epochs=1', '--set', 'squeeze.cal_start=0', '--set', 'squeeze.M=4', '--set', 'squeeze.arch_kwargs={width: 8}',
        '--set', 'recover.iterations=3', '--set', 'train.epochs=2', '--set', 'train.min_steps=0', '--set', 'train.eval_every=1', '--set', 'train.arch_kwargs={width: 8}',
        '--set', 'rded.pool=5', '--set', 'focus.pool=5', '--set', 'workers=1']   # workers=1: tiny students start faster in one process

def fd2dd(*args, ok=True, env=None, **kw):
    r = subprocess.run([FD2DD, *map(str, args)], capture_output=True, text=True, env={**os.environ, 'HF_HUB_OFFLINE': '1', **(env or {})}, **kw)
    if ok: assert r.returncode == 0, f'{args}\n{r.stdout}\n{r.stderr}'
    return r

def test_help_and_version():
    assert 'squeeze' in fd2dd('--help').stdout
    assert fd2dd('--version').stdout.startswith('fd2dd ')
    for sub in ('run', 'squeeze', 'distill', 'evaluate', 'report'):
        assert '--set' in fd2dd(sub, '--help').stdout or sub == 'report'

def test_stages_end_to_end(tmp_path):
    fd2dd('data', 'synth', tmp_path/'sb', '--classes', 3, '--size', 32, '--train', 4, '--test', 2, '--quiet')
    assert len(list((tmp_path/'sb'/'train').rglob('*.png'))) == 12 and (tmp_path/'sb'/'masks').is_dir()
    fd2dd('squeeze', '--out', tmp_path/'t', *TINY)
    assert (tmp_path/'t'/'teacher.pt').exists()
    r = fd2dd('distill', '--teacher', tmp_path/'t', '--method', 'focusdd', '--ipc', 2, '--out', tmp_path/'d'/'x', *TINY, ok=False)
    assert r.returncode == 2 and '--observer' in r.stderr
    fd2dd('squeeze', '--out', tmp_path/'vit', '--arch', 'vit_tiny', '--no-cal', *TINY, '--set', 'squeeze.arch_kwargs={}')
    for m in ('random', 'sre2l', 'fd2', 'rded', 'focusdd', 'cda', 'sre2l++'):
        fd2dd('distill', '--teacher', tmp_path/'t', '--method', m, '--ipc', 2, '--out', tmp_path/'d'/m, *TINY,
              *(['--observer', tmp_path/'vit'] if m == 'focusdd' else []))
        assert json.loads((tmp_path/'d'/m/'meta.json').read_text())['complete']
    r = fd2dd('evaluate', '--distilled', tmp_path/'d'/'fd2', '--teacher', tmp_path/'t'/'teacher.pt', '--out', tmp_path/'e', '--seeds', '0,1', *TINY)
    res = json.loads((tmp_path/'e'/'results.json').read_text())
    assert res['seeds'] == [0, 1] and 0 <= res['final_mean'] <= 1 and len(res['runs']) == 2
    # an imagefolder written by `data synth` works as a real dataset, and its classes equal synthbirds'
    fd2dd('squeeze', '--dataset', 'imagefolder', '--root', tmp_path/'sb', '--out', tmp_path/'t2', *TINY)

def test_run_and_report(tmp_path):
    fd2dd('run', '--out', tmp_path/'run', '--ipc', 1, '--methods', 'fd2,random', *TINY, '--set', 'robust_scores=true')
    rep = (tmp_path/'run'/'report.md').read_text()
    assert "DD-Ranking's scores" in rep and '| method | LRS | ARS |' in rep            # and the students they need
    assert (tmp_path/'run'/'eval'/'real-hard-s0.json').exists() and (tmp_path/'run'/'eval'/'fd2-d0-s0-noaug.json').exists()
    res = json.loads((tmp_path/'run'/'results.json').read_text())
    assert 0 <= res['methods']['fd2']['robust']['lrs_mean'] <= 1 and 0 <= res['methods']['random']['robust']['ars_mean'] <= 1
    assert '| fd2 |' in rep and '| random |' in rep
    assert 'chance 33.3%' in rep and 'classes: ' in rep and 'students and relabelling in ' in rep   # what a reader needs to judge the numbers
    evs = sorted((tmp_path/'run'/'eval').glob('*.json'))                      # each student: json, per-epoch csv, weights
    assert evs and all(e.with_suffix('.csv').exists() and e.with_suffix('.pt').exists() for e in evs)
    assert (evs[0].with_suffix('.csv')).read_text().splitlines()[0] == 'epoch,loss,test_acc'
    assert len((evs[0].with_suffix('.csv')).read_text().splitlines()) == 1 + len(json.loads(evs[0].read_text())['history'])
    from fd2dd import load_student
    assert len(load_student(evs[0].with_suffix('.pt')).classes) == 3
    (tmp_path/'run'/'report.md').unlink()
    fd2dd('report', tmp_path/'run'); assert (tmp_path/'run'/'report.md').exists()
    assert (tmp_path/'run'/'config.yaml').exists()
    fd2dd('run', '--config', tmp_path/'run'/'config.yaml', '--out', tmp_path/'run', '--quiet')   # reuses everything

def test_bad_arguments(tmp_path):
    r = fd2dd('run', '--methods', 'fd2,mtt', '--quiet', ok=False); assert r.returncode == 2 and 'valid: random' in r.stderr
    r = fd2dd('run', '--dataset', 'birds', '--quiet', ok=False); assert r.returncode == 2 and 'valid: synthbirds' in r.stderr
    r = fd2dd('squeeze', '--dataset', 'imagefolder', '--root', tmp_path/'nope', '--out', tmp_path/'x', ok=False)
    assert r.returncode == 2 and 'does not exist' in r.stderr
    r = fd2dd('distill', '--teacher', tmp_path/'missing.pt', '--method', 'fd2', '--out', tmp_path/'d', *TINY, ok=False)
    assert r.returncode == 2 and 'fd2dd squeeze' in r.stderr
    r = fd2dd('run', '--set', 'train.epoch=3', ok=False); assert r.returncode == 2 and 'valid keys here' in r.stderr
    r = fd2dd('squeeze', ok=False); assert r.returncode == 2 and '--out' in r.stderr   # argparse: required option

def test_teacher_for_other_classes_is_refused(tmp_path):
    fd2dd('squeeze', '--out', tmp_path/'t', *TINY)
    r = fd2dd('distill', '--teacher', tmp_path/'t', '--method', 'random', '--out', tmp_path/'d', *TINY, '--set', 'data.num_classes=4', ok=False)
    assert r.returncode == 2 and "classes differ from the teacher" in r.stderr

def test_squeeze_resumes_after_kill(tmp_path):
    args = [FD2DD, 'squeeze', '--out', tmp_path/'t', *TINY, '--set', 'squeeze.epochs=6', '--set', 'data.n_train=60']
    p = subprocess.Popen(list(map(str, args)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last, t0 = tmp_path/'t'/'last.pt', time.time()
    while not last.exists() and time.time() - t0 < 120 and p.poll() is None: time.sleep(0.05)
    assert last.exists(), 'no checkpoint appeared'
    p.send_signal(signal.SIGKILL); p.wait()
    if (tmp_path/'t'/'teacher.pt').exists(): pytest.skip('training finished before the kill')
    done = torch.load(last, weights_only=True)['epoch'] + 1
    assert 1 <= done < 6
    fd2dd(*args[1:])
    from fd2dd.squeeze import load_teacher
    t = load_teacher(tmp_path/'t')
    hist = t.meta['history']
    assert [h['epoch'] for h in hist] == [1, 2, 3, 4, 5, 6]
    assert not any(f.name.endswith('.tmp') for f in (tmp_path/'t').iterdir())
    # CAL is on from epoch 0 here (cal_start=0): the resumed teacher equals an uninterrupted one, weights and prototypes
    fd2dd(*args[1:3], tmp_path/'u', *args[4:])
    u = load_teacher(tmp_path/'u')
    for (k, a), b in zip(t.state_dict().items(), u.state_dict().values()): assert torch.equal(a, b), k

def test_run_resumes_after_kill_to_the_same_results(tmp_path):
    "Kill `fd2dd run` once its first student is done (mid-way through the methods), resume: the results equal an uninterrupted run's."
    args = ['run', '--ipc', 1, '--methods', 'fd2,random', '--seeds', '0,1', *TINY]
    p = subprocess.Popen([FD2DD, *map(str, args), '--out', str(tmp_path/'k')], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env={**os.environ, 'HF_HUB_OFFLINE': '1'})
    t0 = time.time()
    while not list((tmp_path/'k').glob('eval/*.json')) and time.time() - t0 < 300 and p.poll() is None: time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()
    if (tmp_path/'k'/'results.json').exists(): pytest.skip('the run finished before the kill')
    assert list((tmp_path/'k').glob('eval/*.json')), 'no student finished before the kill'
    fd2dd(*args, '--out', tmp_path/'k'); fd2dd(*args, '--out', tmp_path/'u')
    k, u = (json.loads((tmp_path/d/'results.json').read_text())['methods'] for d in ('k', 'u'))
    assert {m: [r['avg'] for r in v['runs']] for m, v in k.items()} == {m: [r['avg'] for r in v['runs']] for m, v in u.items()}

def test_students_side_by_side(tmp_path):
    "workers=2 trains two students at once in worker processes: with the same threads per student, the same results as one at a time."
    args = ['run', '--ipc', 1, '--methods', 'sre2l++,random', '--seeds', '0,1', *TINY]
    fd2dd(*args, '--out', tmp_path/'one', env={'OMP_NUM_THREADS': '1'})
    fd2dd(*args, '--out', tmp_path/'two', '--set', 'workers=2', env={'OMP_NUM_THREADS': '2'})      # 1 thread per student
    a, b = (json.loads((tmp_path/d/'results.json').read_text())['methods'] for d in ('one', 'two'))
    assert {m: [(x['distill_seed'], x['seed'], x['avg']) for x in v['runs']] for m, v in a.items()} == \
        {m: [(x['distill_seed'], x['seed'], x['avg']) for x in v['runs']] for m, v in b.items()}
    assert len(list((tmp_path/'two'/'eval').glob('*-d*-s*.json'))) == 4
    r = fd2dd(*args, '--out', tmp_path/'bad', '--set', 'workers=-1', ok=False)
    assert r.returncode != 0 and 'workers must be' in r.stderr + r.stdout

def test_bring_your_own_teacher_student_and_export(tmp_path):
    "A torchvision checkpoint becomes the run's teacher, a timm model outside the presets is the student, the set exports for DD-Ranking."
    import torchvision
    torch.save(torchvision.models.resnet18(num_classes=3).state_dict(), tmp_path/'tv.pth')
    tiny = [a.replace('32', '72') if a == '32' else a for a in TINY]                   # 72 px: torchvision's ImageNet stem
    fd2dd('import-teacher', tmp_path/'tv.pth', '--arch', 'resnet18', '--out', tmp_path/'run'/'teacher', *tiny)
    r = fd2dd('import-teacher', tmp_path/'tv.pth', '--arch', 'resnet18', '--out', tmp_path/'t32', *TINY, ok=False)
    assert r.returncode == 2 and 'import at the size the weights were trained for' in r.stderr and not (tmp_path/'t32'/'teacher.pt').exists()
    r = fd2dd('import-teacher', tmp_path/'tv.pth', '--arch', 'resnet18', '--out', tmp_path/'t4', *tiny, '--set', 'data.num_classes=4', ok=False)
    assert r.returncode == 2 and 'has 3 outputs but the data has 4 classes' in r.stderr
    fd2dd('run', '--out', tmp_path/'run', '--ipc', 1, '--methods', 'sre2l++,random', '--seeds', '0', *tiny,
          '--set', 'train.arch=resnet10t')                                           # any timm name is a student
    res = json.loads((tmp_path/'run'/'results.json').read_text())
    assert res['teacher']['arch'] == 'resnet18' and set(res['methods']) == {'sre2l++', 'random'}
    from fd2dd import load_student
    assert load_student(next((tmp_path/'run'/'eval').glob('*.pt'))).arch == 'resnet10t'
    r = fd2dd('run', '--out', tmp_path/'run', '--ipc', 1, '--methods', 'fd2', '--seeds', '0', *tiny, '--set', 'train.arch=resnet10t', ok=False)
    assert r.returncode == 2 and 'FD2 needs a teacher with a CAL head' in r.stderr, r.stderr
    fd2dd('export', tmp_path/'run'/'distilled'/'sre2l++'/'seed0', '--teacher', tmp_path/'run'/'teacher', '--out', tmp_path/'dd')
    x, lo = torch.load(tmp_path/'dd'/'images.pt'), torch.load(tmp_path/'dd'/'labels.pt')
    assert x.shape == (3, 3, 72, 72) and lo.shape == (3, 3)
    r = fd2dd('export', tmp_path/'run'/'distilled'/'sre2l++'/'seed0', '--teacher', tmp_path/'run'/'teacher', '--out', tmp_path/'dd', ok=False)
    assert r.returncode == 2 and 'exists from an earlier run' in r.stderr

def test_committee_and_fadrm_plus_run(tmp_path):
    "A two-teacher committee: FADRM+ and FD2 on FADRM+ beside SRe2L++ and FD2, the committee trained by the run and recorded."
    com = ['--set', 'recover.teachers=[{arch_kwargs: {width: 8, pool_last: false}, M: 2, seed: 1}]', '--set', 'recover.weights=prior']
    fd2dd('run', '--out', tmp_path/'run', '--ipc', 2, '--methods', 'fadrm+,fadrm+fd2,sre2l++,fd2', '--seeds', '0', *TINY, *com)
    assert (tmp_path/'run'/'teachers'/'0'/'teacher.pt').exists()
    meta = json.loads((tmp_path/'run'/'distilled'/'fadrm+fd2'/'seed0'/'meta.json').read_text())
    assert meta['complete'] and meta['committee'][0]['cal'] and meta['config']['weights'] == 'prior'
    res = json.loads((tmp_path/'run'/'results.json').read_text())
    assert set(res['methods']) == {'fadrm+', 'fadrm+fd2', 'sre2l++', 'fd2'} and len(res['committee']) == 1
    assert 'Recover committee beside the teacher' in (tmp_path/'run'/'report.md').read_text()
    r = fd2dd('run', '--out', tmp_path/'x', '--methods', 'fd2', *TINY, '--set', 'recover.teachers=[nope.pt]', ok=False)
    assert r.returncode == 2 and 'recover.teachers[0]: nope.pt does not exist' in r.stderr and not (tmp_path/'x'/'teacher').exists()
