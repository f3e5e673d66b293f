#!/usr/bin/env python3
"""Times the whole programs of bench/programs under wi, natively and under node (V8 with its default
tiering, and --liftoff-only), checks that every runtime prints the same checksum, prints a table of
medians and ratios and writes an SVG bar chart of the ratios.

    python3 bench/run_programs.py --build build            # full run (a few minutes)
    python3 bench/run_programs.py --build build --short    # small N, one run each (CI, < 60 s)

Each program exports `int run(int n)`; wi runs it as `wi exec P.wasm --invoke run N` (and, as wi-dyn,
P-dyn.wasm with `--lib libc.wasm`: the same source wasmified against libc), node through
bench/node_run.mjs, the native binary as `P.native N`. The programs come from <build>/bench (built by
bench/meson.build); when they are missing they are compiled with clang into a temporary directory.

Times are wall-clock medians of whole processes. In the full mode each runtime's start-up cost
(process start, module compilation, run(0)) is measured too and subtracted before computing ratios, so
node's ~40 ms start does not hide its speed. Exit status: 1 when a runtime fails or the checksums
differ, 2 on a usage error; never because of the times.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (N for the full run, N for --short). Full N gives wi about 1-2 s per run on a 2.6 GHz machine.
PROGRAMS = {
    'fib': (38, 25),
    'fnptr': (30_000_000, 200_000),
    'sieve': (24, 1),
    'matmul': (512, 64),
    'nbody': (1_200_000, 20_000),
    'qsort': (1_000_000, 50_000),
    'vm': (1_200_000, 20_000),
    'strhash': (2_000_000, 30_000),
    'simd_dot': (600, 20),
    'simd_dot_scalar': (600, 20),
}

# Programs built from another source or with extra flags: name: (source, wasm flags, native flags).
# Keep in step with bench/meson.build's bench_program_variants.
NO_VEC = ['-fno-vectorize', '-fno-slp-vectorize']
VARIANTS = {
    'simd_dot': ('simd_dot', ['-msimd128'], []),
    'simd_dot_scalar': ('simd_dot', NO_VEC, NO_VEC),
}

# (SIMD build, its scalar build): the same work with and without wasm SIMD; reported as a speedup.
SIMD_PAIRS = [('simd_dot', 'simd_dot_scalar')]

# Keep in step with bench/meson.build.
WASM_FLAGS = ['--target=wasm32', '-O2', '-nostdlib', '-Wl,--no-entry', '-Wl,--export=run']
NATIVE_FLAGS = ['-O2', '-DNATIVE']

RATIOS = [('wi/native', 'native', '#4e79a7'), ('wi/node', 'node', '#f28e2b'),
          ('wi/liftoff', 'liftoff', '#59a14f')]


def compile_programs(names, out_dir):
    clang = shutil.which('clang')
    if not clang:
        sys.exit('run_programs: programs are not built and clang is not on PATH')
    for name in names:
        source, wasm_extra, native_extra = VARIANTS.get(name, (name, [], []))
        src = os.path.join(HERE, 'programs', source + '.c')
        subprocess.run([clang, *WASM_FLAGS, *wasm_extra, src, '-o', os.path.join(out_dir, name + '.wasm')],
                       check=True)
        subprocess.run([clang, *NATIVE_FLAGS, *native_extra, src, '-o',
                        os.path.join(out_dir, name + '.native'), '-lm'], check=True)


def run_once(cmd, timeout):
    """Returns (seconds, checksum or None, error text or None)."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None, f'timed out after {timeout} s'
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        return elapsed, None, f'exit status {p.returncode}: {p.stderr.strip()[:300]}'
    out = p.stdout.strip()
    if out.startswith('i32:'):  # wi's result format
        out = out[4:]
    try:
        return elapsed, int(out), None
    except ValueError:
        return elapsed, None, f'unexpected output {out[:100]!r}'


def runtimes(args, prog_dir, name):
    wasm = os.path.join(prog_dir, name + '.wasm')
    rts = {
        'wi': lambda n: [args.wi, 'exec', wasm, '--invoke', 'run', str(n)],
        'native': lambda n: [os.path.join(prog_dir, name + '.native'), str(n)],
    }
    # Dynamically linked: the program wasmified from a wasm32-wasi object, with libc.wasm.
    dyn = os.path.join(prog_dir, name + '-dyn.wasm')
    libc = os.path.join(args.build, 'guest', 'libc.wasm')
    if os.path.exists(dyn) and os.path.exists(libc):
        rts['wi-dyn'] = lambda n: [args.wi, 'exec', dyn, '--lib', libc, '--invoke', 'run', str(n)]
    if args.node:
        loader = os.path.join(HERE, 'node_run.mjs')
        rts['node'] = lambda n: [args.node, loader, wasm, str(n)]
        rts['liftoff'] = lambda n: [args.node, '--liftoff-only', loader, wasm, str(n)]
    return rts


def fmt_time(t):
    return '-' if t is None else f'{t:.3f}'


def fmt_dyn(times):
    """wi dynamically linked (with libc.wasm) over wi static: the price of the dynamic link."""
    if times.get('wi-dyn') and times.get('wi'):
        return f'{times["wi-dyn"] / times["wi"]:.2f}'
    return '-'


def fmt_ratio(r):
    return '-' if r is None else (f'{r:.1f}' if r < 100 else f'{r:.0f}')


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def write_svg(path, rows, title):
    """Grouped bars of the three ratios per program on a log scale (hand-written SVG)."""
    groups = [(r['name'], [r['ratios'].get(k) for k, _, _ in RATIOS]) for r in rows]
    gm = [geomean([r['ratios'].get(k) for r in rows]) for k, _, _ in RATIOS]
    groups.append(('geomean', gm))
    values = [v for _, vs in groups for v in vs if v]
    # Decades from 10^lo to 10^hi: below 1x only when some ratio is below 1 (wi faster).
    lo = min(0, math.floor(math.log10(min(values + [1.0]))))
    hi = max(lo + 1, math.ceil(math.log10(max(values + [2.0]) * 1.15)))
    left, right, top_pad, bottom = 60, 20, 50, 60
    group_w, bar_w = 96, 24
    width = max(left + right + group_w * len(groups), 720)
    height = 360
    plot_h = height - top_pad - bottom

    def y(v):
        v = min(max(v, 10.0 ** lo), 10.0 ** hi)
        return top_pad + plot_h * (1 - (math.log10(v) - lo) / (hi - lo))

    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>']
    for d in range(lo, hi + 1):
        for m in (1, 2, 5):
            v = m * 10.0 ** d
            if v > 10.0 ** hi * 1.001:
                break
            yy = y(v)
            e.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" '
                     f'stroke="{"#888" if v == 1 else "#bbb" if m == 1 else "#e6e6e6"}"/>')
            e.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{v:g}&#215;</text>')
    for gi, (name, vals) in enumerate(groups):
        x0 = left + gi * group_w + (group_w - bar_w * len(RATIOS)) / 2
        for bi, v in enumerate(vals):
            if not v:
                continue
            x = x0 + bi * bar_w
            yy = y(v)
            e.append(f'<rect x="{x:.1f}" y="{yy:.1f}" width="{bar_w - 2}" height="{top_pad + plot_h - yy:.1f}" '
                     f'fill="{RATIOS[bi][2]}"><title>{name} {RATIOS[bi][0]} = {v:.2f}</title></rect>')
            e.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{yy - 3:.1f}" text-anchor="middle" '
                     f'font-size="9">{fmt_ratio(v)}</text>')
        weight = ' font-weight="bold"' if name == 'geomean' else ''
        e.append(f'<text x="{left + gi * group_w + group_w / 2}" y="{top_pad + plot_h + 16}" '
                 f'text-anchor="middle"{weight}>{name}</text>')
    e.append(f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" '
             f'stroke="black"/>')
    lx = left
    for label, _, color in RATIOS:
        e.append(f'<rect x="{lx}" y="{height - 22}" width="12" height="12" fill="{color}"/>')
        e.append(f'<text x="{lx + 16}" y="{height - 12}">{label} (time ratio, lower is better)</text>')
        lx += 230
    e.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(e) + '\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--build', required=True, help='meson build directory (wi is <build>/host/wi)')
    ap.add_argument('--short', action='store_true', help='small N, one run each, no start-up runs (CI)')
    ap.add_argument('--reps', type=int, help='runs per runtime and program (default 5, --short 1)')
    ap.add_argument('--only', help='comma-separated program names')
    ap.add_argument('--programs', help='directory with NAME.wasm and NAME.native (default <build>/bench)')
    ap.add_argument('--wi', help='the wi binary (default <build>/host/wi)')
    ap.add_argument('--no-node', action='store_true', help='skip node even when it is installed')
    ap.add_argument('--svg', help='chart path (default <build>/bench-programs.svg)')
    ap.add_argument('--json', help='also write the measurements as JSON')
    args = ap.parse_args()

    args.wi = args.wi or os.path.join(args.build, 'host', 'wi')
    if not os.access(args.wi, os.X_OK):
        print(f'run_programs: {args.wi} not found; build wi first (meson compile -C {args.build})',
              file=sys.stderr)
        return 2
    args.node = None if args.no_node else shutil.which('node')
    names = list(PROGRAMS)
    if args.only:
        names = [n.strip() for n in args.only.split(',') if n.strip()]
        unknown = [n for n in names if n not in PROGRAMS]
        if unknown:
            print(f'run_programs: unknown program(s) {", ".join(unknown)}', file=sys.stderr)
            return 2
    reps = args.reps or (1 if args.short else 5)
    timeout = 60 if args.short else 900

    tmp = None
    prog_dir = args.programs or os.path.join(args.build, 'bench')
    missing = [n for n in names for ext in ('.wasm', '.native')
               if not os.path.exists(os.path.join(prog_dir, n + ext))]
    if missing:
        if args.programs:
            print(f'run_programs: {args.programs} lacks {missing[0]}.wasm/.native', file=sys.stderr)
            return 2
        tmp = tempfile.TemporaryDirectory(prefix='wi-bench-')
        prog_dir = tmp.name
        print(f'(programs not found in {args.build}/bench: compiling them with clang into {prog_dir})')
        compile_programs(names, prog_dir)

    mode = 'short' if args.short else 'full'
    print(f'wi: {args.wi}; node: {args.node or "not used"}; mode: {mode}, {reps} run(s) each')
    failures = []
    rows = []
    for name in names:
        n = PROGRAMS[name][1 if args.short else 0]
        rts = runtimes(args, prog_dir, name)
        times = {k: [] for k in rts}
        startup = {k: [] for k in rts}
        sums = {}
        for _ in range(reps):  # interleave runtimes so drift affects them alike
            for k, cmd in rts.items():
                t, s, err = run_once(cmd(n), timeout)
                if err:
                    failures.append(f'{name}: {k}: {err}')
                    continue
                times[k].append(t)
                if sums.setdefault(k, s) != s:
                    failures.append(f'{name}: {k}: checksum changed between runs ({sums[k]} then {s})')
                if not args.short:
                    t0, _, err0 = run_once(cmd(0), timeout)
                    if not err0:
                        startup[k].append(t0)
        if len(set(sums.values())) > 1:
            failures.append(f'{name}: checksums differ: ' + ', '.join(f'{k}={v}' for k, v in sums.items()))
        wall = {k: statistics.median(v) if v else None for k, v in times.items()}
        start = {k: statistics.median(v) if v else 0.0 for k, v in startup.items()}
        # Net time: the run minus the runtime's own start-up (never below 1 ms, so ratios stay finite).
        net = {k: None if wall[k] is None else max(wall[k] - start[k], 1e-3) for k in rts}
        ratios = {}
        for label, other, _ in RATIOS:
            if net.get('wi') and net.get(other):
                ratios[label] = net['wi'] / net[other]
        rows.append({'name': name, 'n': n, 'wall': wall, 'startup': start, 'net': net, 'ratios': ratios,
                     'checksum': sums.get('native', sums.get('wi'))})
        print(f'  {name:15} N={n:<10} ' + '  '.join(f'{k} {fmt_time(wall[k])}s' for k in rts), flush=True)

    cols = ['wi', 'wi-dyn', 'native', 'node', 'liftoff']
    what = 'wall seconds incl. start-up' if args.short else 'seconds, median, start-up subtracted'
    print(f'\n{"program":15} {"N":>10} ' + ' '.join(f'{c:>8}' for c in cols) + '  '
          + ' '.join(f'{label:>10}' for label, _, _ in RATIOS) + f'  {"dyn/static":>11}')
    for r in rows:
        times_used = r['wall'] if args.short else r['net']
        print(f'{r["name"]:15} {r["n"]:>10} ' + ' '.join(f'{fmt_time(times_used.get(c)):>8}' for c in cols)
              + '  ' + ' '.join(f'{fmt_ratio(r["ratios"].get(label)):>10}' for label, _, _ in RATIOS)
              + f'  {fmt_dyn(times_used):>11}')
    print(f'{"geomean":15} {"":>10} ' + ' '.join(f'{"":>8}' for _ in cols) + '  '
          + ' '.join(f'{fmt_ratio(geomean([r["ratios"].get(label) for r in rows])):>10}'
                     for label, _, _ in RATIOS))
    print(f'({what}; ratios are time(wi) / time(other): lower is better)')
    by_name = {r['name']: r for r in rows}
    simd_speedups = {}
    for simd, scalar in SIMD_PAIRS:
        if simd in by_name and scalar in by_name and by_name[simd]['n'] == by_name[scalar]['n']:
            t_simd = by_name[simd]['wall' if args.short else 'net']
            t_scalar = by_name[scalar]['wall' if args.short else 'net']
            sp = {c: t_scalar[c] / t_simd[c] for c in cols if t_simd.get(c) and t_scalar.get(c)}
            simd_speedups[simd] = sp
            wi_sp = f'{sp["wi"]:.2f}x' if 'wi' in sp else '-'
            print(f'simd speedup under wi = {scalar} time / {simd} time = {wi_sp}'
                  + ('' if len(sp) < 2 else ' (' + ', '.join(f'{c} {sp[c]:.2f}x' for c in cols[1:] if c in sp)
                                               + ')'))
    if not args.short:
        print('start-up medians (run(0)): ' + ', '.join(
            f'{c} {statistics.median([r["startup"][c] for r in rows if c in r["startup"]]) * 1000:.1f} ms'
            for c in cols if any(c in r['startup'] for r in rows)))

    svg = args.svg or os.path.join(args.build, 'bench-programs.svg')
    write_svg(svg, rows, f'wi vs native and V8 ({mode} run; time ratios, log scale)')
    print(f'chart: {svg}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'mode': mode, 'reps': reps, 'programs': rows, 'simd_speedups': simd_speedups,
                       'failures': failures}, f, indent=1)

    if tmp:
        tmp.cleanup()
    if failures:
        print('\nFAILED:\n  ' + '\n  '.join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
