"""Fuzz every command and every config key through the CLI (issue 14, item 5).

Each input must end in one of two ways, within a time bound:

* exit 0 with output that passes basic checks: JSON parses and every number in it is finite; no
  ``nan`` in a table;
* exit 2 with a one-line ``error: ...`` (or typer's usage error) that names a parameter.

Never a traceback (an exception escaping the command), a hang, or a silent non-finite number.

**Adding a command** is one entry in :data:`COMMANDS`: its argument path, the base arguments that
keep a run small, and ``{flag: kind}`` with a kind from :mod:`tests.fuzz.strategies` ("float",
"int", "pair", "text") or any strategy of strings. The default suite draws a few examples per
command; ``pytest -m slow tests/fuzz`` draws many more, from the whole float and integer range.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import signal
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tisot.cli import app

from . import strategies as S


@dataclass(frozen=True)
class Command:
    """One command of the table: how to call it small, and what to fuzz."""

    path: tuple[str, ...]
    flags: dict[str, object]
    base: tuple[str, ...] = ()
    #: flags fuzzed only in the deep (slow) run: legitimate values there may take long
    deep_flags: dict[str, object] = field(default_factory=dict)
    json: bool = False
    #: a known failure, reported to the command's owner: the case is an expected failure
    known: str = ""

    @property
    def id(self) -> str:
        return " ".join(self.path)


FLOAT, INT, PAIR, TEXT = "float", "int", "pair", "text"
EDGE_ONLY = st.sampled_from(S.EDGE_FLOATS)  # sizes and durations: no slow legitimate values
MODEL = {"--energy": FLOAT, "--delta-sd": FLOAT, "--mz": FLOAT, "--alpha": FLOAT,
         "--velocity": FLOAT, "--units": S.choice("si", "dimensionless")}  # fmt: skip

COMMANDS = [
    Command(("transport",), MODEL, base=("--format", "json"), json=True),
    Command(("transport",), MODEL),  # the table output
    Command(
        ("response",),
        {
            **MODEL,
            "--q": PAIR,
            "--omega": FLOAT,
            "--frequency-ghz": FLOAT,
            "--rtol": FLOAT,
            "--cutoff": FLOAT,
        },
        base=("--format", "json"),
        deep_flags={"--method": S.choice("analytic", "ladder")},
        json=True,
    ),
    Command(
        ("dynamics",),
        {
            "--chi-deg": FLOAT,
            "--f0": FLOAT,
            "--omega": FLOAT,
            "--frequency-ghz": FLOAT,
            "--alpha-g": FLOAT,
            "--alpha-hall": FLOAT,
            "--alpha-iso": FLOAT,
            "--t-max": EDGE_ONLY,
            "--points": S.st.sampled_from(S.EDGE_INTS),
            "--times": PAIR,
            "--terms": TEXT,
            "--field-mt": FLOAT,
            "--method": S.choice("dopri", "geometric"),
            "--rtol": FLOAT,
            "--dt": FLOAT,
            "--units": S.choice("si", "dimensionless"),
            "--damping-form": S.choice("eq18", "c2"),
        },
        base=("--t-max", "2", "--points", "3", "--format", "json"),
        deep_flags={"--t-max": FLOAT, "--points": INT},
        json=True,
    ),
    Command(
        ("paper", "fig3"),
        {"--t-max": EDGE_ONLY, "--points": S.st.sampled_from(S.EDGE_INTS)},
        base=("--no-settle", "--points", "5", "--t-max", "5"),
    ),
]


EDGE_INT = S.st.sampled_from(S.EDGE_INTS)
#: tisot exact: sizes and the disorder from the edge values only (a legitimate small alpha, a
#: large box or cutoff asks for a minutes-long average); the base run (8 ell, 138 states)
#: takes ~0.1 s.
COMMANDS.append(
    Command(("exact",),
            {"--energy": FLOAT, "--delta-sd": FLOAT, "--mz": FLOAT, "--alpha": EDGE_ONLY,
             "--box-length": EDGE_ONLY, "--box-over-ell": EDGE_ONLY, "--moments": EDGE_INT,
             "--realisations": EDGE_INT, "--vectors": EDGE_INT, "--cutoff": EDGE_ONLY,
             "--seed": EDGE_INT, "--method": S.choice("kpm", "dense"),
             "--kind": S.choice("bastin", "fermi-surface"), "--eta-over-gamma": TEXT,
             "--q-orders": TEXT},
            base=("--alpha", "0.3", "--moments", "64", "--realisations", "2", "--method",
                  "dense", "--format", "json"),
            json=True)
)  # fmt: skip
COMMANDS.append(  # the Fermi-surface kind (default 10 ell, q = 2 pi / L below k_F; ~1 s)
    Command(("exact",),
            {"--alpha": EDGE_ONLY, "--box-over-ell": EDGE_ONLY, "--realisations": EDGE_INT,
             "--vectors": EDGE_INT, "--method": S.choice("kpm", "dense"),
             "--eta-over-gamma": S.st.sampled_from(S.EDGE_TEXT + S.EDGE_PAIRS + ("0.25,0.5",
                                                                                 "2", "1e-9")),
             "--q-orders": S.st.sampled_from(S.EDGE_TEXT + S.EDGE_PAIRS + ("1", "1,2", "0",
                                                                           "2,1", "1,1"))},
            base=("--kind", "fermi-surface", "--alpha", "0.3", "--realisations", "2",
                  "--method", "dense", "--format", "json"),
            json=True)
)  # fmt: skip
FILM = {"--ms": FLOAT, "--theta-h": FLOAT, "--ku": FLOAT, "--phi-h": FLOAT, "--g": FLOAT,
        "--kc": FLOAT}  # fmt: skip
#: The device commands (owned elsewhere; one entry each).
COMMANDS += [
    Command(("fmr",), {**FILM, "--field": FLOAT, "--m-guess": TEXT},
            base=("--ms", "800", "--field", "1000", "--theta-h", "10", "--format", "json"),
            json=True),
    Command(("fmr-field",), {**FILM, "--frequency-ghz": FLOAT},
            base=("--ms", "800", "--frequency-ghz", "10", "--theta-h", "10", "--format", "json"),
            json=True),
    Command(("screening",),
            {"--energy-mev": FLOAT, "--delta-sd-mev": FLOAT, "--mz": FLOAT, "--alpha": FLOAT,
             "--velocity": FLOAT, "--period-um": FLOAT, "--distance-nm": FLOAT,
             "--eps-gate": FLOAT, "--eps-substrate": FLOAT, "--frequency-ghz": FLOAT},
            base=("--format", "json"), json=True),
    Command(("gate",),
            {"--period-um": FLOAT, "--distance-nm": FLOAT, "--voltage": FLOAT,
             "--frequency-ghz": FLOAT, "--duty": FLOAT, "--eps-gate": FLOAT,
             "--eps-substrate": FLOAT, "--harmonics": EDGE_INT, "--points": EDGE_INT},
            base=("--format", "json"), json=True),
    Command(("resonance",),
            {"--start": FLOAT, "--stop": FLOAT, "--num": EDGE_INT, "--omega0": FLOAT,
             "--chi-deg": FLOAT, "--omega": FLOAT, "--f0": FLOAT, "--alpha-g": FLOAT,
             "--alpha-iso": FLOAT, "--sweep": TEXT},
            base=("--num", "3", "--format", "json"), json=True),
]  # fmt: skip

#: The commands on a device file (examples/devices), with hostile flag values and --set pairs.
DEVICE_FILE = str(Path(__file__).parents[2] / "examples" / "devices" / "bi2se3_eus.toml")
SET = S.st.sampled_from(["fm.damping=nan", "fm.dampin=0.1", "fm.damping", "=1",
                         "environment.field_mt=-5", "gate.harmonics=1e9", "surface.material=x",
                         "interface.exchange_mev=1e300", "gate.screening=maybe",
                         "fm.damping=0.02"])  # fmt: skip
SWEEP = S.st.sampled_from(["100:130:5", "130:100:5", "1:2:0", "a:b:c", "1:2", "nan:1:3",
                           "100:130:1e9", "-5:10:3", "120", "1e300:1e301:3"])  # fmt: skip
COMMANDS += [
    Command(("device", DEVICE_FILE), {"--set": SET}, base=("--format", "json"), json=True),
    Command(("spectrum", DEVICE_FILE),
            {"--field-mt": SWEEP, "--frequency-ghz": SWEEP, "--set": SET,
             "--observable": S.choice("power", "dpdh", "cone_deg")},
            base=("--field-mt", "105:125:5", "--frequency-ghz", "10", "--format", "json"),
            json=True),
    Command(("film", DEVICE_FILE), {"--points": EDGE_INT, "--set": SET},
            base=("--points", "2", "--settle-ns", "1", "--average-ns", "0.2", "--format",
                  "json"), json=True),
]  # fmt: skip


def _params(commands):
    return [
        pytest.param(c, id=c.id, marks=pytest.mark.xfail(reason=c.known, strict=False))
        if c.known
        else pytest.param(c, id=c.id)
        for c in commands
    ]


# --------------------------------------------------------------------------- the checks
class Hang(BaseException):
    """A case ran past its time bound (BaseException: no command may swallow it)."""


@contextlib.contextmanager
def time_bound(seconds: float):
    def alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _numbers(data):
    if isinstance(data, dict):
        for v in data.values():
            yield from _numbers(v)
    elif isinstance(data, list):
        for v in data:
            yield from _numbers(v)
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield float(data)


UNIT_SUFFIX = re.compile(r"_(mev|ghz|um|nm|deg|mt|ns|ps|v_per_m|nm2)$")
NAN_WORD = re.compile(r"(?<![\w.-])(nan|-?inf)(?![\w.-])", re.IGNORECASE)


def check_outcome(result, names: list[str], *, is_json: bool, case: str) -> None:
    """The contract of every command (module docstring); ``names``: the parameters given."""
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"{case}: traceback {exc!r}"
    out = result.output
    assert "Traceback" not in out, f"{case}: {out}"
    if result.exit_code == 0:
        if is_json:
            data = json.loads(result.stdout)
            bad = [x for x in _numbers(data) if not math.isfinite(x)]
            assert not bad, f"{case}: non-finite numbers in the JSON: {bad[:3]}"
        else:
            assert not NAN_WORD.search(result.stdout), f"{case}: non-finite in {result.stdout}"
        return
    assert result.exit_code == 2, f"{case}: exit {result.exit_code}: {out}"
    lines = [ln for ln in out.strip().splitlines() if not ln.startswith("warning:")]
    if lines and lines[0].startswith("error: "):
        assert len(lines) == 1, f"{case}: a many-line error: {out}"
        line = lines[0]
    else:  # typer's own usage error (a value of the wrong type): a framed box naming the flag
        assert "Usage:" in out or "Invalid value" in out or "No such option" in out, out
        line = out
    stems = {n.lstrip("-").replace("-", "_").rsplit(".", 1)[-1] for n in names} | set(names)
    stems |= {UNIT_SUFFIX.sub("", n) for n in stems}  # fermi_energy_mev -> fermi_energy
    assert any(s in line for s in stems), f"{case}: names no parameter: {out}"


def _run(args: list[str], seconds: float):
    with time_bound(seconds):
        return CliRunner().invoke(app, args)


def _fuzz(command: Command, data, *, deep: bool, tmp_path) -> None:
    flags = {**command.flags, **(command.deep_flags if deep else {})}
    chosen = data.draw(st.lists(st.sampled_from(sorted(flags)), min_size=1, max_size=3,
                                unique=True), label="flags")  # fmt: skip
    args = list(command.path) + list(command.base)
    if command.path == ("paper", "fig3"):
        args += ["--out", str(tmp_path / "paper")]
    names = list(chosen)
    for flag in chosen:
        value = data.draw(S.value(flags[flag], deep), label=flag)
        args += [flag, value]
        if flag == "--set":  # the parameter is the device key it sets
            names.append(value.partition("=")[0])
    result = _run(args, 120.0 if deep else 30.0)
    check_outcome(result, names, is_json=command.json, case=" ".join(args))


FUZZ = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("command", _params(COMMANDS))
@FUZZ
@given(data=st.data())
def test_command_flags(command, data, tmp_path):
    _fuzz(command, data, deep=False, tmp_path=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("command", _params(COMMANDS))
@settings(FUZZ, max_examples=80, derandomize=False)
@given(data=st.data())
def test_command_flags_deep(command, data, tmp_path):
    _fuzz(command, data, deep=True, tmp_path=tmp_path)


# ------------------------------------------------------------------------- config files
def _schema(calculation: str):
    from tisot.sweeps import get_job

    return get_job(calculation).schema


#: Jobs whose legitimate values run in well under a second: any value may be drawn. The others
#: get only values their schema must refuse (a valid one may legitimately run for minutes).
FAST_JOBS = ("transport", "response", "torques")
SLOW_JOBS = ("macrospin", "resonance")


def _refused(param, value) -> bool:
    try:
        param.check("k", value)
    except ValueError:
        return True
    return False


def _fuzz_config(calculation: str, data, *, deep: bool, tmp_path) -> None:
    schema = _schema(calculation)
    keys = [(s, k) for s, keys in schema.items() for k in keys]
    keys += [(next(iter(schema)), "no_such_key"), ("no_such_section", "key")]
    section, key = data.draw(st.sampled_from(keys), label="key")
    param = schema.get(section, {}).get(key)
    values = S.toml_values(deep)
    if calculation not in FAST_JOBS and param is not None:
        values = values.filter(lambda v: _refused(param, v))
    value = data.draw(values, label=f"{section}.{key}")
    config = {"calculation": calculation, section: {key: value}}
    text = tomli_w.dumps(config)
    assert tomllib.loads(text)[section][key] is not None
    (tmp_path / "c.toml").write_text(text)
    result = _run(["run", str(tmp_path / "c.toml")], 120.0 if deep else 30.0)
    check_outcome(result, [f"{section}.{key}", key], is_json=False, case=text)


@pytest.mark.parametrize("calculation", FAST_JOBS + SLOW_JOBS)
@FUZZ
@given(data=st.data())
def test_config_keys(calculation, data, tmp_path):
    _fuzz_config(calculation, data, deep=False, tmp_path=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("calculation", FAST_JOBS + SLOW_JOBS)
@settings(FUZZ, max_examples=80, derandomize=False)
@given(data=st.data())
def test_config_keys_deep(calculation, data, tmp_path):
    _fuzz_config(calculation, data, deep=True, tmp_path=tmp_path)
