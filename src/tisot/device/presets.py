"""Material presets: starting values for the [surface], [fm] and [interface] tables of a device.

A preset is what a lab would write down for a material before it measures its own sample: the
keys of one table of the device file (:mod:`tisot.device.schema`) with a source for every
number. Sources say ``ASSUMED: why`` where nothing was measured and ``DERIVED: from what`` where
the number follows from others (a lattice constant, a moment per ion); "(not verified here)"
marks references whose number could not be checked against the original when the preset was
written. docs/materials.md tabulates them with the derivations.

=====================  ==========================================  ==========================
preset                 names (case-insensitive; aliases)           part
=====================  ==========================================  ==========================
Bi2Se3, Bi2Te3,        ``Bi2Se3``, ``Bi2Te3``, ``Sb2Te3``,           ``surface`` (TI)
Sb2Te3, (Bi,Sb)2Te3    ``BST`` (``(Bi,Sb)2Te3``, ``BiSbTe``)
EuS, YIG, TmIG,        ``EuS``, ``YIG`` (``Y3Fe5O12``), ``TmIG``      ``fm``
Cr2Ge2Te6              (``TIG``, ``Tm3Fe5O12``), ``CGT``
                       (``Cr2Ge2Te6``, ``CrGeTe3``)
(TI, FM) pairs         ``Bi2Se3/EuS``, ``BST/CGT``; other pairs get  ``interface``
                       :data:`DEFAULT_INTERFACE`
=====================  ==========================================  ==========================

Conventions worth knowing before using a preset:

* ``fm.spin`` and ``fm.cell_area_nm2`` describe one interface cell, and ``fm.monolayer_nm``
  the thickness it stands for, such that ``spin / (cell_area * monolayer)`` is the spin density
  ``Ms / (g mu_B)`` of the film: the interface torque (Eq. 2) then acts on the film's real
  angular momentum. For the ferromagnets (EuS, Cr2Ge2Te6) the cell is one magnetic ion; for the
  ferrimagnetic garnets it is one formula unit with its *net* spin (a per-ion spin would count
  the antiparallel Fe sublattices as parallel and make the film five times too stiff).
* ``fm.ms_ka_per_m`` is Ms at 0 K with the Curie temperature for the ferromagnets (the device
  applies Kuz'min's law, :meth:`tisot.device.parts.Ferromagnet.ms_at`). The garnets are
  ferrimagnets whose Ms(T) that law does not describe (TmIG's even rises from 0 K to room
  temperature): their Ms is the room-temperature value with ``curie_temperature_k = inf``
  (temperature independent), the temperature at which garnet/TI devices are measured.
* ``fm.kc_kj_per_m3`` is 0 in every preset: the device's cubic term has its cubic axes along
  x, y, z (a (001) film), while these films grow (111)-oriented on the TI's (0001) surface.
* ``surface.fermi_energy_mev`` is |epsilon| from the Dirac point; tisot models electrons, so for
  the p-type Sb2Te3 the preset is the electron-hole mirror image of the hole-doped film.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .schema import DEVICE_SCHEMA

PARTS = ("surface", "fm", "interface")
#: Other words accepted for a part.
_PART_ALIASES = {"ti": "surface", "surface": "surface", "fm": "fm", "interface": "interface"}


@dataclass(frozen=True)
class Preset:
    """Values for one table of the device file, each with its source.

    Parameters
    ----------
    part
        ``"surface"``, ``"fm"`` or ``"interface"``: the table of the device file.
    name
        the material (``"Bi2Se3"``) or, for an interface, ``"TI/FM"``.
    values
        ``{key: value}`` in the table's units (keys of :data:`tisot.device.schema.DEVICE_SCHEMA`).
    sources
        ``{key: reference}`` for every key of ``values``: authors, journal, volume, page (year),
        or ``"ASSUMED: why"`` / ``"DERIVED: from what"``.
    notes
        conditions: temperature, growth, what the numbers describe.
    aliases
        other names accepted by :func:`preset` (case-insensitive).
    """

    part: str
    name: str
    values: Mapping[str, float | str]
    sources: Mapping[str, str]
    notes: str = ""
    aliases: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.part not in PARTS:
            raise ValueError(f"Preset.part must be one of {', '.join(PARTS)}, got {self.part!r}")
        missing = sorted(set(self.values) - set(self.sources))
        if missing:
            raise ValueError(f"preset {self.name}: no source for {', '.join(missing)}")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))


def _preset(part, name, entries, notes="", aliases=()) -> Preset:
    """A preset from ``{key: (value, source)}``, so that no number is written without its source."""
    return Preset(
        part=part,
        name=name,
        values={k: v for k, (v, _) in entries.items()},
        sources={k: s for k, (_, s) in entries.items()},
        notes=notes,
        aliases=tuple(aliases),
    )


# --------------------------------------------------------------------------------- TI surfaces
_XIA = "Xia et al., Nat. Phys. 5, 398 (2009)"
_CHEN = "Chen et al., Science 325, 178 (2009)"
_JIANG_SBTE = "Jiang et al., Phys. Rev. Lett. 108, 016401 (2012)"
_ZHANG_BST = "Zhang et al., Nat. Commun. 2, 574 (2011)"
_RICHTER = "Richter, Koehler and Becker, Phys. Status Solidi B 84, 619 (1977)"

TI_PRESETS: dict[str, Preset] = {
    "Bi2Se3": _preset(
        "surface",
        "Bi2Se3",
        {
            "material": ("Bi2Se3", "the preset's name"),
            "velocity_m_per_s": (
                5.0e5,
                f"ARPES Dirac velocity ~5e5 m/s, {_XIA} (not verified here)",
            ),
            "fermi_energy_mev": (
                100.0,
                "ASSUMED: a gated or compensated film with the Fermi level inside the ~0.3 eV "
                f"bulk gap ({_XIA}); as-grown Bi2Se3 is n-type with the Fermi level near or in "
                "the conduction band",
            ),
            "mobility_cm2_per_vs": (
                1500.0,
                "top of the surface mobilities 320-1500 cm2/Vs measured in thin gated "
                "bulk-insulating Bi2Se3, Kim et al., Nat. Phys. 8, 459 (2012) (abstract, "
                "arXiv:1105.1410)",
            ),
            "permittivity": (
                100.0,
                "static dielectric constant ~100, Butch et al., Phys. Rev. B 81, 241301(R) "
                "(2010) (not verified here)",
            ),
        },
        notes="Low temperature (2 K); MBE or exfoliated films gated into the bulk gap.",
    ),
    "Bi2Te3": _preset(
        "surface",
        "Bi2Te3",
        {
            "material": ("Bi2Te3", "the preset's name"),
            "velocity_m_per_s": (
                4.0e5,
                f"ARPES Dirac velocity ~4e5 m/s near the Dirac point, {_CHEN} (not verified here)",
            ),
            "fermi_energy_mev": (
                150.0,
                "ASSUMED: Sn-compensated or gated Bi2Te3 with only the surface band at the "
                f"Fermi level ({_CHEN}); the Dirac point lies below the bulk valence-band "
                "maximum, so surface-only transport needs epsilon of order 0.1-0.2 eV",
            ),
            "mobility_cm2_per_vs": (
                1000.0,
                "ASSUMED: thin films; bulk crystals reach ~1e4 cm2/Vs on the surface, Qu et al., "
                "Science 329, 821 (2010) (not verified here)",
            ),
            "permittivity": (
                290.0,
                f"static dielectric constant (E perpendicular to c), {_RICHTER} (not verified "
                "here)",
            ),
        },
        notes="Low temperature; the warping of the Fermi surface (hexagonal) grows above "
        "~0.1 eV and is not in the model's isotropic Dirac cone.",
    ),
    "Sb2Te3": _preset(
        "surface",
        "Sb2Te3",
        {
            "material": ("Sb2Te3", "the preset's name"),
            "velocity_m_per_s": (
                4.3e5,
                "Dirac velocity from the Landau levels of MBE films (STM), "
                f"{_JIANG_SBTE} (not verified here)",
            ),
            "fermi_energy_mev": (
                100.0,
                "ASSUMED: as-grown MBE Sb2Te3 is p-type with the Fermi level below the Dirac "
                f"point ({_JIANG_SBTE}); |epsilon| = 100 meV, taken as its electron mirror "
                "image; the bulk gap is 190 +- 10 meV (Mohelsky et al., Phys. Rev. "
                "B 109, 165205 (2024), abstract)",
            ),
            "mobility_cm2_per_vs": (
                1000.0,
                "ASSUMED: the clean end of the hole mobilities of MBE films (a few 100 to 1e3 "
                "cm2/Vs), chosen so that alpha = 1/(pi sigma0) < 0.1 (Eq. 9)",
            ),
            "permittivity": (
                168.0,
                f"static dielectric constant (E perpendicular to c), {_RICHTER} (not verified "
                "here)",
            ),
        },
        notes="p-type film; tisot's electron-doped Dirac model describes it up to the sign of "
        "the carriers (the signs of currents and Hall responses flip).",
    ),
    "BST": _preset(
        "surface",
        "BST",
        {
            "material": ("BST", "the preset's name: (Bi1-xSbx)2Te3"),
            "velocity_m_per_s": (
                4.0e5,
                f"ARPES Dirac velocity of (Bi1-xSbx)2Te3 films, {_ZHANG_BST} (not verified here)",
            ),
            "fermi_energy_mev": (
                80.0,
                "ASSUMED: the composition (x ~ 0.9) puts the Fermi level near the Dirac point "
                f"inside the bulk gap ({_ZHANG_BST}); 80 meV above it (n = 1e12 cm-2 at "
                "most), as-grown or lightly gated",
            ),
            "mobility_cm2_per_vs": (
                1500.0,
                "ASSUMED: the clean end of the surface mobilities of bulk-insulating BST films "
                "(a few 100 to ~1e3 cm2/Vs), chosen so that alpha = 1/(pi sigma0) < 0.1 "
                "(Eq. 9): dirtier films leave the regime of the theory",
            ),
            "permittivity": (
                200.0,
                "ASSUMED: between the static constants of Sb2Te3 and Bi2Te3 (168 and 290, "
                f"{_RICHTER}, not verified here), weighted towards Sb2Te3",
            ),
        },
        notes="(Bi1-xSbx)2Te3 with x ~ 0.9 (bulk insulating), MBE films of 5-10 nm; low "
        "temperature.",
        aliases=("(Bi,Sb)2Te3", "BiSbTe", "(Bi1-xSbx)2Te3", "BiSbTe3"),
    ),
}

# --------------------------------------------------------------------------- ferromagnets
_MAUGER = "Mauger and Godart, Phys. Rep. 141, 51 (1986)"
_BOHN = "Bohn et al., Phys. Rev. B 22, 5447 (1980)"
_WEI = "Wei et al., Phys. Rev. Lett. 110, 186807 (2013)"
_KATMIS = "Katmis et al., Nature 533, 513 (2016)"
_TANG = "Tang et al., Sci. Adv. 3, e1700307 (2017)"
_CIUBOTARIU = "Ciubotariu, Semisalova, Lenz and Albrecht, Sci. Rep. (2019)"
_MOGI = "Mogi et al., Phys. Rev. Lett. 123, 016804 (2019)"
_CARTEAUX = "Carteaux et al., J. Phys.: Condens. Matter 7, 69 (1995)"

FM_PRESETS: dict[str, Preset] = {
    "EuS": _preset(
        "fm",
        "EuS",
        {
            "material": ("EuS", "the preset's name"),
            "ms_ka_per_m": (
                1222.0,
                "DERIVED: 7 mu_B per Eu2+ (4f7), 4 Eu per cubic cell a^3, a = 5.968 A (rock "
                f"salt; {_MAUGER}): Ms(0 K) = 28 mu_B / a^3 (mu0 Ms = 1.54 T)",
            ),
            "thickness_nm": (
                5.0,
                f"EuS films of a few nm on Bi2Se3, {_WEI}; {_KATMIS} (thickness not verified here)",
            ),
            "monolayer_nm": (
                0.3446,
                "DERIVED: spacing of the Eu (111) planes, a / sqrt(3) (EuS grows (111) on the "
                "TI's (0001) surface)",
            ),
            "g_factor": (2.0, f"Eu2+ is an S-state ion (L = 0), g = 2 ({_MAUGER})"),
            "ku_kj_per_m3": (
                0.0,
                "ASSUMED: no uniaxial anisotropy (S-state ion, cubic crystal); the film lies "
                "in plane by its shape anisotropy",
            ),
            "kc_kj_per_m3": (
                0.0,
                "ASSUMED: the weak cubic anisotropy of EuS is left out (the device's cubic axes "
                "are those of a (001) film, the film is (111))",
            ),
            "damping": (
                3.0e-3,
                "ASSUMED: the order of thin-film FMR damping; no measured value for EuS on a "
                "TI is used here",
            ),
            "exchange_stiffness_pj_per_m": (
                0.137,
                f"DERIVED: A = 4 S^2 (J1 + J2) / a from the neutron exchange constants "
                f"J1/kB = 0.221 K, J2/kB = -0.100 K ({_BOHN}, abstract; pair energy "
                "-2 J S_i.S_j, which their paramagnetic Curie temperature 21.1 K confirms), fcc "
                "with 12 + 6 neighbours, classical spins",
            ),
            "spin": (3.5, f"S = 7/2 of Eu2+ (4f7), {_MAUGER}"),
            "cell_area_nm2": (
                0.1542,
                "DERIVED: area per Eu in a (111) plane, sqrt(3) a^2 / 4 (triangular lattice "
                "of side a / sqrt(2))",
            ),
            "curie_temperature_k": (16.6, f"T_C = 16.6 K, {_MAUGER}"),
        },
        notes="Ms at 0 K (the device scales it to its temperature, Tc = 16.6 K): below ~10 K. "
        "(111)-oriented film on Bi2Se3 (0001); one cell = one Eu.",
    ),
    "YIG": _preset(
        "fm",
        "YIG",
        {
            "material": ("YIG", "the preset's name: Y3Fe5O12"),
            "ms_ka_per_m": (
                140.0,
                "room-temperature Ms of YIG films, mu0 Ms = 0.176 T; bulk-like LPE films have "
                "4 pi Ms = 1800 +- 20 G (143 kA/m), Dubs et al., arXiv:1608.08043 (2016) "
                "(abstract), thin PLD films slightly less; 0 K: 5 mu_B per formula unit, "
                "196 kA/m",
            ),
            "thickness_nm": (
                20.0,
                "ASSUMED: PLD or sputtered YIG films of 10-30 nm are used under TIs, e.g. Wang "
                "et al., Phys. Rev. Lett. 117, 076601 (2016) (thickness not verified here)",
            ),
            "monolayer_nm": (
                0.3573,
                "DERIVED: spacing of the (111) lattice planes of the bcc garnet lattice, "
                "a / (2 sqrt 3), a = 12.376 A",
            ),
            "g_factor": (
                2.0,
                "ASSUMED: Fe3+ is an S-state ion (L = 0), g = 2; measured YIG values are "
                "2.00-2.01 (not verified here)",
            ),
            "ku_kj_per_m3": (
                0.0,
                "ASSUMED: no growth or strain anisotropy (YIG on GGG is nearly lattice matched); "
                "the film lies in plane by its shape anisotropy",
            ),
            "kc_kj_per_m3": (
                0.0,
                "ASSUMED: bulk K1 ~ -0.6 kJ/m3 (not verified here) is left out: the device's "
                "cubic axes are those of a (001) film and it is 60 times below the shape "
                "anisotropy",
            ),
            "damping": (
                2.3e-4,
                "20 nm PLD film on GGG, d'Allivy Kelly et al., Appl. Phys. Lett. 103, 082408 "
                "(2013) (abstract, arXiv:1308.0192)",
            ),
            "exchange_stiffness_pj_per_m": (
                3.65,
                "A = 3.65 +- 0.38 pJ/m from perpendicular standing spin waves of 0.9-2.6 um "
                "films, Klingler et al., J. Phys. D 48, 015001 (2015) (abstract, "
                "arXiv:1408.5772)",
            ),
            "spin": (
                1.79,
                "DERIVED: net spin per formula unit at room temperature, Ms a^3 / (8 g mu_B) "
                "(5/2 at 0 K: 3 tetrahedral minus 2 octahedral Fe3+)",
            ),
            "cell_area_nm2": (
                0.6632,
                "DERIVED: area per formula unit in one (111) lattice-plane slab, sqrt(3) a^2 / 4",
            ),
            "curie_temperature_k": (
                float("inf"),
                "ASSUMED inf: Ms is held at its room-temperature value (the ferrimagnet's "
                "Ms(T) is not Kuz'min's law); the Neel temperature of YIG is 559 K",
            ),
        },
        notes="Room temperature. (111) film on GGG; one cell = one formula unit with its net "
        "spin, so that spin / (cell area x monolayer) = Ms / (g mu_B).",
        aliases=("Y3Fe5O12",),
    ),
    "TmIG": _preset(
        "fm",
        "TmIG",
        {
            "material": ("TmIG", "the preset's name: Tm3Fe5O12"),
            "ms_ka_per_m": (
                110.0,
                "room-temperature Ms of TmIG films on GGG, ~110 kA/m (mu0 Ms ~ 0.14 T), e.g. "
                "Avci et al., Nat. Mater. 16, 309 (2017) (not verified here)",
            ),
            "thickness_nm": (
                10.0,
                f"ASSUMED: TmIG films of ~10 nm under (Bi,Sb)2Te3, {_TANG} (thickness not "
                "verified here)",
            ),
            "monolayer_nm": (
                0.3558,
                "DERIVED: (111) lattice-plane spacing a / (2 sqrt 3), a = 12.324 A",
            ),
            "g_factor": (
                1.6,
                "ASSUMED: the Tm3+ orbital moment lowers the effective g of TmIG below 2; "
                "reported FMR values are ~1.6 (not verified here)",
            ),
            "ku_kj_per_m3": (
                10.5,
                "DERIVED: magnetoelastic anisotropy of a coherently strained (111) film, "
                "Ku = 3 lambda111 c44 (eps_perp - eps_par), eps_par = (a_GGG - a)/a = 0.48 % "
                "(a_GGG = 12.383 A), eps_perp = -2 (c11 + 2 c12 - 2 c44) / (c11 + 2 c12 + "
                "4 c44) eps_par, lambda111 = -5.2e-6, c11, c12, c44 = 269, 107.7, 76.4 GPa "
                "(garnet values; not verified here): mu0 Meff = mu0 Ms - 2 Ku / Ms = -53 mT, "
                "perpendicular, as reported for TmIG on GGG (Avci et al. 2017; "
                f"{_CIUBOTARIU})",
            ),
            "kc_kj_per_m3": (
                0.0,
                "ASSUMED: cubic anisotropy left out (the device's cubic axes are those of a "
                "(001) film, the film is (111))",
            ),
            "damping": (
                0.02,
                f"FMR of 20-300 nm PLD films on sGGG, alpha = 0.02 +- 0.005, {_CIUBOTARIU} "
                "(abstract)",
            ),
            "exchange_stiffness_pj_per_m": (
                3.65,
                "ASSUMED: the Fe-Fe exchange of YIG (Klingler et al. (2015)); the two garnets "
                "have nearly the same Neel temperature (549 K and 559 K)",
            ),
            "spin": (
                1.73,
                "DERIVED: net spin per formula unit at room temperature, Ms a^3 / (8 g mu_B)",
            ),
            "cell_area_nm2": (
                0.6577,
                "DERIVED: area per formula unit in one (111) lattice-plane slab, sqrt(3) a^2 / 4",
            ),
            "curie_temperature_k": (
                float("inf"),
                "ASSUMED inf: Ms is held at its room-temperature value (the Tm sublattice "
                "opposes the Fe moment, so Ms(T) is not Kuz'min's law); Neel temperature 549 K",
            ),
        },
        notes="Room temperature. (111) film under tensile strain on GGG: perpendicular easy "
        f"axis (Ku > mu0 Ms^2 / 2); the TmIG/(Bi,Sb)2Te3 stack of {_TANG}.",
        aliases=("TIG", "Tm3Fe5O12"),
    ),
    "CGT": _preset(
        "fm",
        "CGT",
        {
            "material": ("CGT", "the preset's name: Cr2Ge2Te6"),
            "ms_ka_per_m": (
                201.1,
                "DERIVED: 3 mu_B per Cr3+ (S = 3/2), 6 Cr per hexagonal cell of volume "
                f"sqrt(3)/2 a^2 c, a = 6.8275 A, c = 20.5619 A ({_CARTEAUX}, not verified "
                "here): Ms(0 K) = 18 mu_B / V (mu0 Ms = 0.253 T)",
            ),
            "thickness_nm": (
                10.0,
                f"ASSUMED: a film of ~15 van der Waals layers under (Bi,Sb)2Te3 ({_MOGI}; "
                "thickness not verified here)",
            ),
            "monolayer_nm": (0.6854, "DERIVED: one Cr2Ge2Te6 layer, c / 3"),
            "g_factor": (2.0, "ASSUMED: Cr3+ (3d3) with its orbital moment quenched"),
            "ku_kj_per_m3": (
                75.0,
                "ASSUMED: easy axis along c, perpendicular to the layers (Selter et al., "
                "arXiv:1905.13609 (2019)); Ku = Ms (mu0 H_s + mu0 Ms) / 2 for a hard-axis "
                "saturation "
                "field mu0 H_s ~ 0.5 T of bulk crystals at low temperature (not verified here)",
            ),
            "kc_kj_per_m3": (0.0, "ASSUMED: hexagonal crystal, no cubic anisotropy"),
            "damping": (
                0.01,
                "ASSUMED: the order of FMR damping of van der Waals magnets (not verified here)",
            ),
            "exchange_stiffness_pj_per_m": (
                0.23,
                "DERIVED (mean field, order of magnitude): kB Tc = (2/3) z J S (S + 1) with "
                "z = 3 in-plane neighbours at a / sqrt(3), H = -sum_(i != j) J S_i.S_j, and "
                "A = (3/4) n J S^2 d^2, n = 18 / V the Cr density",
            ),
            "spin": (1.5, f"S = 3/2 of Cr3+ (3d3), the 3 mu_B per Cr of {_CARTEAUX}"),
            "cell_area_nm2": (
                0.2018,
                "DERIVED: area per Cr in the honeycomb layer, (sqrt(3)/2) a^2 / 2",
            ),
            "curie_temperature_k": (
                65.0,
                "T_C = 65 K of single crystals, Selter et al., arXiv:1905.13609 (2019) "
                f"(abstract); 61 K in {_CARTEAUX} (not verified here)",
            ),
        },
        notes="Ms at 0 K (the device scales it, Tc = 65 K); low temperature. Layered van der "
        f"Waals ferromagnet with perpendicular easy axis, grown with (Bi,Sb)2Te3 in {_MOGI} and "
        "used as a substrate for it by Yao et al., Nano Lett. 19, 4567 (2019).",
        aliases=("Cr2Ge2Te6", "CrGeTe3"),
    ),
}

# ------------------------------------------------------------------------------- interfaces
#: The interface of a (TI, FM) pair without a preset of its own.
DEFAULT_INTERFACE = _preset(
    "interface",
    "default",
    {
        "exchange_mev": (
            -7.0,
            "ASSUMED: a proximity exchange |Delta_sd| of a few meV (J_sd = 2 meV per interface "
            "spin for S = 7/2); Delta_sd = -J_sd S (schema.py); the sign is not known for any "
            "of these interfaces",
        ),
    },
    notes="No measured Delta_sd: replace by the value of your sample (interface.exchange_mev).",
)

INTERFACE_PRESETS: dict[tuple[str, str], Preset] = {
    ("Bi2Se3", "EuS"): _preset(
        "interface",
        "Bi2Se3/EuS",
        {
            "exchange_mev": (
                -7.0,
                "ASSUMED: J_sd = 2 meV per Eu spin, Delta_sd = -J_sd S = -7 meV, a proximity "
                f"exchange of a few meV as suggested by {_WEI} and {_KATMIS} (no gap measured)",
            ),
        },
        notes="The value of examples/realistic_device.py and docs/realistic-device.md.",
    ),
    ("BST", "CGT"): _preset(
        "interface",
        "BST/CGT",
        {
            "exchange_mev": (
                -29.0,
                "DERIVED (order of magnitude): the anomalous Hall conductivity 0.2 e^2/h of "
                f"{_MOGI} (abstract, arXiv:1906.02159) read as sigma_H = 8 x^3 / (1 + 3 x^2)^2 "
                "of Eq. (9) with "
                "m_z = 1, x = |Delta_sd| / epsilon = 0.366, at the BST preset's epsilon = 80 meV "
                "(the sample's epsilon is not used); sign ASSUMED as for the other presets",
            ),
        },
        notes="Disorder corrections to the anomalous Hall effect change this estimate by a "
        "factor of order one.",
    ),
}


# ------------------------------------------------------------------------------------ lookup
def _tables(part: str) -> dict[str, Preset]:
    if part == "surface":
        return TI_PRESETS
    if part == "fm":
        return FM_PRESETS
    return {f"{ti}/{fm}": p for (ti, fm), p in INTERFACE_PRESETS.items()}


def _part(part: str) -> str:
    try:
        return _PART_ALIASES[part.lower()]
    except (KeyError, AttributeError):
        raise ValueError(
            f"preset part must be one of surface (or ti), fm, interface; got {part!r}"
        ) from None


def _key(part: str, name: str) -> str:
    """The table key of ``name`` (case-insensitive, aliases); ValueError listing the names."""
    if part == "interface":
        ti, sep, fm = name.partition("/")
        if not sep:
            raise ValueError(
                f"an interface preset is named 'TI/FM' (e.g. 'Bi2Se3/EuS'), got {name!r}"
            )
        return f"{_key('surface', ti.strip())}/{_key('fm', fm.strip())}"
    table = _tables(part)
    wanted = name.strip().lower()
    for key, p in table.items():
        if wanted in {key.lower(), p.name.lower(), *(a.lower() for a in p.aliases)}:
            return key
    available = ", ".join(
        key + (f" ({', '.join(p.aliases)})" if p.aliases else "") for key, p in table.items()
    )
    label = "TI" if part == "surface" else "FM"
    raise ValueError(f"unknown {label} preset {name!r}; available: {available}")


def preset(part: str, name: str) -> Preset:
    """The preset of one material (``part`` = ``"surface"``/``"ti"``, ``"fm"``) or of one
    interface (``part="interface"``, ``name="TI/FM"``; :data:`DEFAULT_INTERFACE` for a pair
    without its own). Names are case-insensitive and accept the aliases of the module table;
    an unknown name raises ValueError listing the available ones."""
    part = _part(part)
    if part == "interface":
        ti, fm = _key("interface", name).split("/")
        return INTERFACE_PRESETS.get((ti, fm), DEFAULT_INTERFACE)
    return _tables(part)[_key(part, name)]


def _chosen(ti: str | None, fm: str | None) -> dict[str, Preset]:
    chosen = {}
    if ti is not None:
        chosen["surface"] = preset("surface", ti)
    if fm is not None:
        chosen["fm"] = preset("fm", fm)
    if ti is not None and fm is not None:
        chosen["interface"] = preset("interface", f"{ti}/{fm}")
    return chosen


def preset_values(ti: str | None, fm: str | None) -> dict[str, dict[str, object]]:
    """``{section: {key: value}}`` of a TI and an FM preset and of their interface.

    Either may be None (its tables are left out; the interface needs both). The result is a
    fresh dict: a device file or overrides replace it key by key.
    """
    return {section: dict(p.values) for section, p in _chosen(ti, fm).items()}


def preset_sources(ti: str | None, fm: str | None) -> dict[str, str]:
    """``{"section.key": source}`` for the values of :func:`preset_values` (for provenance)."""
    return {
        f"{section}.{key}": source
        for section, p in _chosen(ti, fm).items()
        for key, source in p.sources.items()
    }


def _check_against_schema() -> None:
    """Every preset key is a key of its table in the device schema (import-time guard)."""
    everything = [*TI_PRESETS.values(), *FM_PRESETS.values(), *INTERFACE_PRESETS.values()]
    for p in [*everything, DEFAULT_INTERFACE]:
        unknown = sorted(set(p.values) - set(DEVICE_SCHEMA[p.part]))
        if unknown:
            raise RuntimeError(f"preset {p.name}: {p.part} has no key {', '.join(unknown)}")


_check_against_schema()
