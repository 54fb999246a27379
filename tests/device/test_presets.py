"""Material presets: valid device values, a source for each, and the derived numbers by hand.

The expected values are worked out here from primary quantities (lattice constants, moments per
ion, exchange constants, elastic constants), written in the test, with constants from
scipy.constants; nothing is copied from the preset module except what is being checked.
"""

from __future__ import annotations

import math
import re

import pytest
from scipy.constants import k as K_B
from scipy.constants import mu_0 as MU_0
from scipy.constants import physical_constants
from scipy.optimize import brentq

from tisot.device.parts import PARTS
from tisot.device.presets import (
    DEFAULT_INTERFACE,
    FM_PRESETS,
    INTERFACE_PRESETS,
    TI_PRESETS,
    Preset,
    preset,
    preset_sources,
    preset_values,
)
from tisot.device.schema import DEVICE_SCHEMA

MU_B = physical_constants["Bohr magneton"][0]
HBAR = physical_constants["reduced Planck constant"][0]
E = physical_constants["elementary charge"][0]
H_PLANCK = 2 * math.pi * HBAR
ANGSTROM = 1e-10

ALL = [
    *TI_PRESETS.values(),
    *FM_PRESETS.values(),
    *INTERFACE_PRESETS.values(),
    DEFAULT_INTERFACE,
]
REFERENCE = re.compile(r"\((19|20)\d\d\)|ASSUMED|DERIVED")


@pytest.mark.parametrize("p", ALL, ids=lambda p: f"{p.part}:{p.name}")
def test_every_value_is_valid_and_sourced(p):
    for key, value in p.values.items():
        param = DEVICE_SCHEMA[p.part][key]
        assert param.check(f"{p.part}.{key}", value) == value
        source = p.sources[key]
        assert source.strip(), f"{p.name}: empty source for {key}"
        if key != "material":
            assert REFERENCE.search(source), f"{p.name}.{key}: no reference, ASSUMED or DERIVED"
    assert p.notes.strip()


def test_required_keys_are_set():
    """A preset pair fills every key of [surface], [fm], [interface] that has no default."""
    for section, presets in (("surface", TI_PRESETS), ("fm", FM_PRESETS)):
        required = {k for k, par in DEVICE_SCHEMA[section].items() if par.default is None}
        for p in presets.values():
            assert required <= set(p.values), (p.name, required - set(p.values))
    for p in [*INTERFACE_PRESETS.values(), DEFAULT_INTERFACE]:
        assert set(p.values) == {"exchange_mev"}


@pytest.mark.parametrize("ti", list(TI_PRESETS))
@pytest.mark.parametrize("fm", list(FM_PRESETS))
def test_every_pair_builds_the_device_parts(ti, fm):
    """The device's own parts accept every pair (alternatives, monolayer <= thickness, ...)."""
    values = preset_values(ti, fm)
    assert set(values) == {"surface", "fm", "interface"}
    for section, table in values.items():
        part = PARTS[section](table)
        assert part.to_dict().items() >= table.items()


# ------------------------------------------------------------------------- derived numbers
def test_eus_from_its_lattice():
    a = 5.968 * ANGSTROM  # rock salt, Mauger & Godart (1986)
    eus = FM_PRESETS["EuS"].values
    ms = 4 * 7 * MU_B / a**3  # 4 Eu per cubic cell, 7 mu_B each (4f7, g = 2, S = 7/2)
    assert eus["ms_ka_per_m"] == pytest.approx(ms / 1e3, rel=1e-3)
    assert MU_0 * ms == pytest.approx(1.535, abs=2e-3)  # the mu0 Ms ~ 1.5 T of issue 10
    # (111) planes of the fcc Eu lattice: triangular, nearest-neighbour distance a / sqrt 2
    side = a / math.sqrt(2)
    assert eus["cell_area_nm2"] == pytest.approx(math.sqrt(3) / 2 * side**2 * 1e18, rel=1e-3)
    # four Eu per a^3, one per (cell area x plane spacing): spacing a^3 / (4 x area)
    assert eus["monolayer_nm"] == pytest.approx(a**3 / 4 / (math.sqrt(3) / 4 * a**2) * 1e9, 1e-3)


def test_eus_exchange_stiffness_from_the_spin_wave_stiffness():
    """A = Ms D / (2 g mu_B) with the spin-wave stiffness D of the fcc Heisenberg model:
    hbar w = 2 S sum_d J_d (1 - cos k.d) (H = -sum_(i != j) J S_i.S_j) -> D = 2 S a^2 (J1 + J2),
    each neighbour shell giving sum_d (k.d)^2 / 2 = a^2 k^2 (12 at a/sqrt2, 6 at a)."""
    a, s, g = 5.968 * ANGSTROM, 3.5, 2.0
    j1, j2 = 0.221 * K_B, -0.100 * K_B  # Bohn et al. (1980), neutron scattering
    stiffness = 2 * s * a**2 * (j1 + j2)  # J m^2
    ms = 4 * g * s * MU_B / a**3
    a_ex = ms * stiffness / (2 * g * MU_B)
    assert FM_PRESETS["EuS"].values["exchange_stiffness_pj_per_m"] == pytest.approx(
        a_ex * 1e12, rel=5e-3
    )
    # the convention of J: with pair energy -2 J S_i.S_j the mean-field (paramagnetic) Curie
    # temperature 2 S (S + 1) sum_shells z J / (3 kB) of all five shells of Bohn et al. is the
    # 21.1 +- 0.2 K they quote; with -J S_i.S_j it would be half that, below T_C = 16.6 K
    shells = [(12, 0.221), (6, -0.100), (24, 0.006), (12, -0.007), (24, -0.004)]  # (z, J/kB in K)
    theta = 2 * s * (s + 1) * sum(z * j for z, j in shells) / 3
    assert theta == pytest.approx(21.1, abs=0.3)
    assert FM_PRESETS["EuS"].values["curie_temperature_k"] < theta


def test_yig_magnetization_at_room_temperature_and_at_zero():
    yig = FM_PRESETS["YIG"].values
    assert MU_0 * yig["ms_ka_per_m"] * 1e3 == pytest.approx(0.175, abs=0.005)  # 4 pi Ms ~ 1.75 kG
    a = 12.376 * ANGSTROM  # 8 formula units per cubic cell, net 5 mu_B each at 0 K
    ms0 = 8 * 5 * MU_B / a**3
    assert ms0 / 1e3 == pytest.approx(195.7, abs=0.5)
    assert yig["ms_ka_per_m"] < ms0 / 1e3  # the room-temperature value is below the 0 K one


def test_cr2ge2te6_from_its_lattice():
    a, c = 6.8275 * ANGSTROM, 20.5619 * ANGSTROM  # hexagonal cell with 6 Cr (Z = 3)
    volume = math.sqrt(3) / 2 * a**2 * c
    cgt = FM_PRESETS["CGT"].values
    assert cgt["ms_ka_per_m"] == pytest.approx(6 * 3 * MU_B / volume / 1e3, rel=1e-3)
    assert cgt["monolayer_nm"] == pytest.approx(c / 3 * 1e9, rel=1e-3)
    # honeycomb: 2 Cr per in-plane cell of area sqrt(3)/2 a^2
    assert cgt["cell_area_nm2"] == pytest.approx(math.sqrt(3) / 4 * a**2 * 1e18, rel=1e-3)


def test_cr2ge2te6_exchange_stiffness_mean_field_estimate():
    """Mean field on the honeycomb layer (z = 3 at d = a/sqrt3): kB Tc = 2 z J S(S+1) / 3; the
    continuum limit of -sum_(i != j) J S^2 m_i.m_j gives A = n J S^2 sum_d d_x^2 / 2 per unit
    volume with sum_d d_x^2 = 3 d^2 / 2."""
    a, c, s = 6.8275 * ANGSTROM, 20.5619 * ANGSTROM, 1.5
    tc = FM_PRESETS["CGT"].values["curie_temperature_k"]
    j = 3 * K_B * tc / (2 * 3 * s * (s + 1))
    d = a / math.sqrt(3)
    n = 6 / (math.sqrt(3) / 2 * a**2 * c)
    a_ex = n * j * s**2 * (3 * d**2 / 2) / 2
    assert FM_PRESETS["CGT"].values["exchange_stiffness_pj_per_m"] == pytest.approx(
        a_ex * 1e12, rel=0.02
    )


@pytest.mark.parametrize("name", list(FM_PRESETS))
def test_interface_cell_carries_the_films_angular_momentum(name):
    """spin / (cell area x monolayer) is the spin density Ms / (g mu_B): the interface torque
    (Eq. 2) acts on the film's real angular momentum (net spin for the ferrimagnets)."""
    fm = FM_PRESETS[name].values
    density = fm["spin"] / (fm["cell_area_nm2"] * 1e-18 * fm["monolayer_nm"] * 1e-9)
    ms = fm["ms_ka_per_m"] * 1e3
    assert density * fm["g_factor"] * MU_B == pytest.approx(ms, rel=5e-3)


def test_garnet_cells_are_formula_units():
    """The garnet slab of one (111) lattice plane (bcc, spacing a / (2 sqrt 3)) holds one
    formula unit per sqrt(3) a^2 / 4: their product is the volume a^3 / 8 of a formula unit."""
    for name, a in (("YIG", 12.376 * ANGSTROM), ("TmIG", 12.324 * ANGSTROM)):
        fm = FM_PRESETS[name].values
        volume = fm["cell_area_nm2"] * fm["monolayer_nm"] * 1e-27
        assert volume == pytest.approx(a**3 / 8, rel=1e-3)


def test_tmig_is_perpendicular_from_its_strain():
    """Magnetoelastic anisotropy of a (111) film under biaxial in-plane strain, from
    f = B2 sum_(i != j) a_i a_j e_ij with B2 = -3 lambda111 c44 (Kittel, Rev. Mod. Phys. 21, 541
    (1949)); e_ij = (e_perp - e_par)/3 off the diagonal gives Ku = -B2 (e_perp - e_par)."""
    tmig = FM_PRESETS["TmIG"].values
    a_film, a_ggg = 12.324, 12.383  # angstrom
    lambda111 = -5.2e-6
    c11, c12, c44 = 269e9, 107.7e9, 76.4e9  # Pa
    e_par = (a_ggg - a_film) / a_film
    # stress-free normal: sigma_33 = 0 along [111] of a cubic crystal
    e_perp = -2 * (c11 + 2 * c12 - 2 * c44) / (c11 + 2 * c12 + 4 * c44) * e_par
    ku = -(-3 * lambda111 * c44) * (e_perp - e_par)
    assert tmig["ku_kj_per_m3"] == pytest.approx(ku / 1e3, rel=0.01)
    ms = tmig["ms_ka_per_m"] * 1e3
    shape = MU_0 * ms**2 / 2
    assert tmig["ku_kj_per_m3"] * 1e3 > shape  # perpendicular easy axis
    mu0_meff = MU_0 * ms - 2 * tmig["ku_kj_per_m3"] * 1e3 / ms
    assert -0.2 < mu0_meff < 0  # tesla: a few tens of mT, as reported for TmIG on GGG


def test_in_plane_films_stay_in_plane():
    for name in ("EuS", "YIG"):
        fm = FM_PRESETS[name].values
        assert fm["ku_kj_per_m3"] * 1e3 < MU_0 * (fm["ms_ka_per_m"] * 1e3) ** 2 / 2
    cgt = FM_PRESETS["CGT"].values
    assert cgt["ku_kj_per_m3"] * 1e3 > MU_0 * (cgt["ms_ka_per_m"] * 1e3) ** 2 / 2


def test_yig_has_the_lowest_damping():
    damping = {name: p.values["damping"] for name, p in FM_PRESETS.items()}
    assert min(damping, key=damping.get) == "YIG"
    assert damping["YIG"] < 1e-3 < damping["TmIG"]


def test_curie_temperatures_below_and_ms_physical():
    for p in FM_PRESETS.values():
        v = p.values
        assert v["monolayer_nm"] <= v["thickness_nm"]
        assert 0.01 < MU_0 * v["ms_ka_per_m"] * 1e3 < 2.5  # tesla
    assert FM_PRESETS["EuS"].values["curie_temperature_k"] < 20
    assert math.isinf(FM_PRESETS["YIG"].values["curie_temperature_k"])


# ------------------------------------------------------------------------------- surfaces
@pytest.mark.parametrize("name", list(TI_PRESETS))
def test_surfaces_are_dirac_like_and_in_the_regime(name):
    """v between 2e5 and 1e6 m/s; with n = k_F^2 / 4 pi (one cone) and sigma = n e mu, the
    disorder of Eq. (9) at Delta_z = 0, alpha = 1 / (pi sigma0), is small."""
    s = TI_PRESETS[name].values
    v = s["velocity_m_per_s"]
    assert 2e5 <= v <= 1e6
    kf = s["fermi_energy_mev"] * 1e-3 * E / (HBAR * v)
    density = kf**2 / (4 * math.pi)
    sigma0 = density * E * s["mobility_cm2_per_vs"] * 1e-4 / (E**2 / H_PLANCK)
    assert 1 / (math.pi * sigma0) < 0.1
    assert 1e11 < density * 1e-4 < 1e13  # cm^-2: a gated or compensated film
    assert 10 < s["permittivity"] < 500


def test_bst_cgt_exchange_from_the_anomalous_hall_conductivity():
    """sigma_H = 8 x^3 / (1 + 3 x^2)^2 e^2/h (Eq. 9, m_z = 1, x = Delta/eps) = 0.2 (Mogi 2019)."""
    x = brentq(lambda x: 8 * x**3 / (1 + 3 * x**2) ** 2 - 0.2, 1e-3, 1.0)
    eps = TI_PRESETS["BST"].values["fermi_energy_mev"]
    delta = preset("interface", "BST/CGT").values["exchange_mev"]
    assert abs(delta) == pytest.approx(x * eps, rel=0.02)
    assert abs(delta) < eps  # the theory needs eps > |Delta_z|


def test_interfaces_are_weaker_than_the_fermi_energy():
    for (ti, _), p in INTERFACE_PRESETS.items():
        assert abs(p.values["exchange_mev"]) < TI_PRESETS[ti].values["fermi_energy_mev"]
    for s in TI_PRESETS.values():
        assert abs(DEFAULT_INTERFACE.values["exchange_mev"]) < s.values["fermi_energy_mev"]


# ---------------------------------------------------------------------------------- lookup
def test_lookup_is_case_insensitive_with_aliases():
    assert preset("surface", "bi2se3") is TI_PRESETS["Bi2Se3"]
    assert preset("ti", "(Bi,Sb)2Te3") is preset("surface", "bst") is TI_PRESETS["BST"]
    assert preset("FM", "tm3fe5o12") is preset("fm", "TIG") is FM_PRESETS["TmIG"]
    assert preset("fm", "Cr2Ge2Te6") is FM_PRESETS["CGT"]
    assert preset("interface", "BI2SE3/eus") is INTERFACE_PRESETS[("Bi2Se3", "EuS")]
    assert preset("interface", "Sb2Te3 / YIG") is DEFAULT_INTERFACE


@pytest.mark.parametrize(
    ("part", "name", "listed"),
    [
        ("surface", "HgTe", list(TI_PRESETS)),
        ("fm", "Permalloy", list(FM_PRESETS)),
        ("interface", "Bi2Se3/Fe", list(FM_PRESETS)),
    ],
)
def test_unknown_names_list_the_available_ones(part, name, listed):
    with pytest.raises(ValueError, match=re.escape(repr(name.split("/")[-1]))) as err:
        preset(part, name)
    for available in listed:
        assert available in str(err.value)


def test_bad_part_and_bad_interface_name():
    with pytest.raises(ValueError, match=r"surface.*fm.*interface"):
        preset("gate", "Bi2Se3")
    with pytest.raises(ValueError, match="TI/FM"):
        preset("interface", "Bi2Se3")


def test_preset_values_and_sources():
    values = preset_values("Bi2Se3", "EuS")
    assert (
        values["interface"]["exchange_mev"]
        == INTERFACE_PRESETS[("Bi2Se3", "EuS")].values["exchange_mev"]
    )
    values["fm"]["damping"] = 0.5  # a fresh copy: the preset is untouched
    assert FM_PRESETS["EuS"].values["damping"] != 0.5
    assert set(preset_values("BST", None)) == {"surface"}
    assert set(preset_values(None, "YIG")) == {"fm"}
    assert preset_values(None, None) == {}
    sources = preset_sources("BST", "TmIG")
    assert sources["interface.exchange_mev"] == DEFAULT_INTERFACE.sources["exchange_mev"]
    assert set(sources) == {
        f"{section}.{key}"
        for section, table in preset_values("BST", "TmIG").items()
        for key in table
    }


def test_presets_are_frozen_and_need_sources():
    with pytest.raises(TypeError):
        FM_PRESETS["EuS"].values["damping"] = 0.5
    with pytest.raises(ValueError, match="no source for damping"):
        Preset(part="fm", name="X", values={"damping": 0.1}, sources={})
    with pytest.raises(ValueError, match=r"Preset\.part"):
        Preset(part="gate", name="X", values={}, sources={})


def test_names_are_the_table_keys():
    """A device stores ``material = preset.name`` and finds the preset (and the pair's
    interface) again from it: names, keys and the ``material`` value agree."""
    for table in (TI_PRESETS, FM_PRESETS):
        for key, p in table.items():
            assert p.name == key == p.values["material"]
            assert preset(p.part, p.name) is p
    for (ti, fm), p in INTERFACE_PRESETS.items():
        assert p.name == f"{ti}/{fm}"
        assert ti in TI_PRESETS and fm in FM_PRESETS


@pytest.mark.parametrize(("ti", "fm"), list(INTERFACE_PRESETS))
def test_device_from_presets(ti, fm):
    """The lead's Device takes a preset pair as it stands (below Tc at its temperature)."""
    from tisot.device import Device

    temperature = 2.0 if math.isfinite(FM_PRESETS[fm].values["curie_temperature_k"]) else 295.0
    device = Device.from_presets(ti, fm, {"environment.temperature_k": temperature})
    for section, table in preset_values(ti, fm).items():
        for key, value in table.items():
            assert device.value(f"{section}.{key}") == value


def test_docs_tables_match_the_presets():
    """docs/materials.md lists every preset value with its unit (no drift from the code)."""
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "materials.md").read_text(encoding="utf-8")
    row = re.compile(r"^\| `(\w+)\.(\w+)` \| ([^|]+) \| ([^|]+) \|", re.MULTILINE)
    for p in ALL:
        heading = f"\n### {p.name}"
        assert heading in doc, f"docs/materials.md has no section for {p.name}"
        section = doc.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        rows = {
            key: (value.strip(), unit.strip()) for part, key, value, unit in row.findall(section)
        }
        assert set(rows) == set(p.values), p.name
        for key, value in p.values.items():
            shown, unit = rows[key]
            assert unit == DEVICE_SCHEMA[p.part][key].units
            if isinstance(value, str):
                assert shown == value
            else:
                assert float(shown) == pytest.approx(value, rel=5e-3), (p.name, key)


def test_docs_example_runs(capsys):
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "materials.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", doc, re.DOTALL)
    exec(compile(code, "docs/materials.md", "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out.startswith("10.5\n")
