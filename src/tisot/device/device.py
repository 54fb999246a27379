"""The :class:`Device`: TI surface + FM film + interface + grated gate + environment.

It is the one place where a device is assembled: the CLI, the sweeps and the examples build
through it (the paper's reproduction has no device: it is the paper's dimensionless macrospin). Inputs are what a lab knows (device-file keys in lab
units, :mod:`tisot.device.schema`); :class:`tisot.model.Scales` stays the one converter to
model units. What it builds, at a magnetization m:

* the FM's magnetostatics (:class:`tisot.magnet.FilmMagnet`, Ms at the temperature) and its
  equilibrium m in the applied field (energy minimisation, :func:`tisot.magnet.equilibrium`);
* the surface at m (:class:`tisot.SurfaceModel`): Delta_z = Delta_sd m_z (Eq. 1), the Fermi
  energy from the carrier density n = k_F^2 / 4 pi (one Dirac cone,
  eps^2 = (hbar v k_F)^2 + Delta_z^2), the disorder alpha from the mobility
  (sigma0 e^2/h = n |e| mu) or from tau_tr, both inverting Eq. (9);
* the coupling (:class:`tisot.model.Coupling`, J_sd = -Delta_sd / S) and the torque strengths
  per FM moment: the interface torque of Eq. (2) is shared by ``fm.layers`` monolayers;
* the gate's drive, harmonic by harmonic: the diffusive f of Eq. (4) and the fieldlike b of
  Eq. (3), on the screened (or, with ``gate.screening = false``, the bare) gate field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import unit_vector
from ..constants import CONDUCTANCE_QUANTUM, ELEMENTARY_CHARGE, HBAR, MEV
from .parts import PARTS, Environment, Ferromagnet, Gate, Interface, Surface, is_unset
from .schema import DEVICE_SCHEMA


@dataclass(frozen=True, eq=False)
class DeviceDrive:
    """The gate's drive at one magnetization, harmonic by harmonic (SI, per FM moment).

    T_diff = Re[f_n e^{i k_n.r - i omega t}] m_z (m x z) (Eqs. 4, 18) and
    T_FL = m x Re[b_n e^{i k_n.r - i omega t}] (Eq. 3), summed over n.
    """

    wavevectors: np.ndarray  #: (N, 2) k_n in 1/m
    f: np.ndarray  #: (N,) complex, 1/s
    b: np.ndarray  #: (N, 3) complex, 1/s
    current: np.ndarray  #: (N, 2) complex sheet current, A/m
    field: np.ndarray  #: (N, 2) complex in-plane field on the surface, V/m
    omega: float  #: rad/s
    screened: bool


class Device:
    """A TI/FM device, immutable. Build it with :meth:`from_file`, :meth:`from_dict` or
    :meth:`from_presets`; change it with :meth:`with_values` (dotted keys)."""

    def __init__(
        self,
        surface: Surface,
        fm: Ferromagnet,
        interface: Interface,
        gate: Gate | None = None,
        environment: Environment | None = None,
    ) -> None:
        self.surface = surface
        self.fm = fm
        self.interface = interface
        self.gate = gate if gate is not None else Gate()
        self.environment = environment if environment is not None else Environment()
        self.fm.ms_at(self.environment.temperature_k)  # below Tc

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]], overrides=None) -> Device:
        """From nested ``{section: {key: value}}`` (a parsed device file) plus dotted overrides.

        A ``material`` naming a preset (:mod:`tisot.device.presets`) fills that section's keys
        the file leaves out; ``interface.exchange_mev`` may come from the (surface, fm) pair.
        """
        unknown = sorted(set(data) - set(DEVICE_SCHEMA))
        if unknown:
            raise ValueError(
                f"unknown device table [{unknown[0]}]; a device file has "
                + ", ".join(f"[{s}]" for s in DEVICE_SCHEMA)
            )
        merged = {}
        for section in DEVICE_SCHEMA:
            table = data.get(section, {})
            if not isinstance(table, Mapping):
                raise ValueError(f"[{section}] must be a table of keys, got {table!r}")
            unknown_keys(section, table)
            merged[section] = dict(table)
        _apply(merged, overrides or {})
        _fill_presets(merged)
        return cls(**{s: PARTS[s](merged[s]) for s in DEVICE_SCHEMA})

    @classmethod
    def from_file(cls, path, overrides=None) -> Device:
        """From a TOML device file (``tisot template device`` prints an annotated one)."""
        import tomllib

        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"device file {str(path)!r} does not exist") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ValueError(f"device file {str(path)!r} is not valid TOML: {err}") from None
        _reject_nan(data)
        return cls.from_dict(data, overrides)

    @classmethod
    def from_presets(cls, ti: str, fm: str, overrides=None, **tables) -> Device:
        """A device of the TI and FM presets (``tisot.device.presets``), overridden key by key."""
        data = {s: dict(tables.get(s, {})) for s in DEVICE_SCHEMA}
        data["surface"].setdefault("material", ti)
        data["fm"].setdefault("material", fm)
        return cls.from_dict(data, overrides)

    def with_values(self, overrides: Mapping[str, Any]) -> Device:
        """A copy with dotted keys changed, e.g. ``{"fm.damping": 0.01}``.

        Choosing another alternative (``surface.carrier_density_per_cm2`` where the file gave
        ``fermi_energy_mev``) replaces the old one.
        """
        return Device.from_dict(self.to_dict(), overrides)

    # ------------------------------------------------------------------ reading
    def parts(self) -> dict[str, Any]:
        return {s: getattr(self, s) for s in DEVICE_SCHEMA}

    def value(self, key: str) -> Any:
        """The value of a dotted key, e.g. ``device.value("fm.damping")``."""
        section, name = _split(key)
        return getattr(getattr(self, section), name)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Nested ``{section: {key: value}}`` of every set key (a complete device file)."""
        return {s: p.to_dict() for s, p in self.parts().items()}

    def to_toml(self) -> str:
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    def save(self, path) -> Path:
        """Write the complete device file, atomically."""
        from ..io.store import atomic_write_text

        return atomic_write_text(Path(path), self.to_toml())

    def fingerprint(self) -> str:
        import hashlib

        return hashlib.sha256(self.to_toml().encode()).hexdigest()[:16]

    def as_attrs(self) -> dict[str, Any]:
        """Every device key as a flat ``device.<section>.<key>`` attribute (netCDF-safe)."""
        attrs: dict[str, Any] = {"device_fingerprint": self.fingerprint()}
        for section, table in self.to_dict().items():
            for key, value in table.items():
                attrs[f"device.{section}.{key}"] = int(value) if isinstance(value, bool) else value
        return attrs

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and self.parts() == other.parts()

    def __hash__(self) -> int:
        return hash(tuple(self.parts().values()))

    def __repr__(self) -> str:
        return (
            f"Device(surface={self.surface.material!r}, fm={self.fm.material!r}, "
            f"Delta_sd={self.interface.exchange_mev} meV, field={self.environment.field_mt} mT "
            f"at {self.environment.field_theta_deg} deg)"
        )

    # ------------------------------------------------------------------ the FM
    @property
    def magnet(self):
        """The film's magnetostatics, SI (Ms at ``environment.temperature_k``)."""
        from ..magnet import FilmMagnet

        f = self.fm
        return FilmMagnet(
            ms=f.ms_at(self.environment.temperature_k),
            ku=f.ku_kj_per_m3 * 1e3,
            kc=f.kc_kj_per_m3 * 1e3,
            g=f.g_factor,
        )

    @property
    def field_tesla(self) -> np.ndarray:
        """mu0 H in T (lab frame: x along the grating wavevector, z the TI normal)."""
        return self.environment.field_tesla

    def equilibrium(self, m_guess=None):
        """The equilibrium of the FM in the applied field (:func:`tisot.magnet.equilibrium`)."""
        from ..magnet import equilibrium

        try:
            return equilibrium(self.magnet, self.field_tesla, m_guess=m_guess)
        except ValueError as err:
            raise ValueError(
                f"{err} (environment.field_mt = {self.environment.field_mt!r}, "
                f"environment.field_theta_deg = {self.environment.field_theta_deg!r})"
            ) from None

    @property
    def layers(self) -> float:
        """FM monolayers sharing the interface torque of Eq. (2)."""
        return self.fm.layers

    # ------------------------------------------------------------------ the surface
    @property
    def coupling(self):
        """J_sd = -Delta_sd / S, A, S (:class:`tisot.model.Coupling`)."""
        from ..model import Coupling

        return Coupling(
            exchange_coupling_mev=-self.interface.exchange_mev / self.fm.spin,
            cell_area=self.fm.cell_area_nm2 * 1e-18,
            spin=self.fm.spin,
        )

    def fermi_energy_mev(self, m) -> float:
        """eps in meV at magnetization m: given, or from the density, eps^2 = (hbar v k_F)^2 +
        Delta_z^2 with n = k_F^2 / 4 pi (one Dirac cone, spin-nondegenerate)."""
        s = self.surface
        dz = self.interface.exchange_mev * unit_vector("m", m)[2]
        if not is_unset(s.fermi_energy_mev):
            eps = s.fermi_energy_mev
        else:
            kf = math.sqrt(4 * math.pi * s.density_per_m2)
            eps = math.hypot(HBAR * s.velocity * kf / MEV, dz)
        if not eps > abs(dz):
            raise ValueError(
                f"the Fermi level {eps:.6g} meV lies inside the exchange gap |Delta_sd m_z| = "
                f"{abs(dz):.6g} meV (surface.fermi_energy_mev, interface.exchange_mev): raise the "
                "Fermi level or lower the exchange"
            )
        return eps

    def disorder(self, m) -> float:
        """alpha of Eq. (5) at magnetization m, from the given alpha, mobility or tau_tr by
        inverting Eq. (9): sigma0 = (eps^2 - Dz^2) / (pi alpha (eps^2 + 3 Dz^2))."""
        s = self.surface
        if not is_unset(s.disorder_alpha):
            return s.disorder_alpha
        eps = self.fermi_energy_mev(m)
        dz = self.interface.exchange_mev * unit_vector("m", m)[2]
        if not is_unset(s.mobility_cm2_per_vs):
            kf = math.sqrt(eps**2 - dz**2) * MEV / (HBAR * s.velocity)
            n = kf**2 / (4 * math.pi)
            sigma0 = n * ELEMENTARY_CHARGE * s.mobility_cm2_per_vs * 1e-4 / CONDUCTANCE_QUANTUM
            key = "surface.mobility_cm2_per_vs"
        else:  # tau_tr = hbar eps sigma0 / (eps^2 + Dz^2), Eq. (9)
            sigma0 = s.tau_tr_ps * 1e-12 * (eps**2 + dz**2) * MEV / (HBAR * eps)
            key = "surface.tau_tr_ps"
        alpha = (eps**2 - dz**2) / (math.pi * sigma0 * (eps**2 + 3 * dz**2))
        if not 0 < alpha < 1:
            raise ValueError(
                f"{key} = {self.value(key)!r} at the Fermi level {eps:.4g} meV "
                f"({self._fermi_key()}) gives sigma0 = {sigma0:.3g} e^2/h and disorder alpha = "
                f"{alpha:.3g}, outside 0 < alpha < 1 (Eq. 9): the surface is not a diffusive "
                "metal; raise the mobility or the Fermi level"
            )
        return alpha

    def _fermi_key(self) -> str:
        """The key that sets the Fermi level (and the back gate, if any)."""
        s = self.surface
        if not is_unset(s.fermi_energy_mev):
            return "surface.fermi_energy_mev"
        if not is_unset(s.backgate_voltage_v):
            return "surface.carrier_density_per_cm2, surface.backgate_voltage_v"
        return "surface.carrier_density_per_cm2"

    def surface_model(self, m):
        """The TI surface at magnetization m (:class:`tisot.SurfaceModel`, physical scales)."""
        from ..model import SurfaceModel

        return SurfaceModel.from_physical(
            fermi_energy_mev=self.fermi_energy_mev(m),
            exchange_energy_mev=self.interface.exchange_mev,
            magnetization=tuple(unit_vector("m", m)),
            disorder=self.disorder(m),
            velocity=self.surface.velocity,
        )

    def alpha_g(self, m) -> float:
        """Anisotropic Gilbert damping of Eq. (18) per FM moment (corrected 1/2 pi prefactor,
        docs/theory-notes.md), shared by the layers."""
        from ..model import gilbert_damping

        return gilbert_damping(self.surface_model(m), self.coupling) / self.layers

    # ------------------------------------------------------------------ the gate
    def grating(self):
        """The gate as :class:`tisot.drive.GratingGate` (dielectric eps_d above, the TI's eps_s
        below the surface)."""
        from ..drive import GratingGate

        g = self.gate
        return GratingGate(
            period=g.period,
            distance=g.distance,
            voltage=g.voltage_v,
            frequency=g.frequency,
            duty_cycle=g.duty_cycle,
            permittivity=g.permittivity,
            substrate_permittivity=self.surface.permittivity,
            harmonics=g.harmonics,
        )

    def medium(self, m, model=None):
        """D, eta (Eq. 4) and the sheet conductance at m (:class:`tisot.drive.DiffusiveMedium`),
        eta per FM moment (divided by the layers); ``model``: the surface at m, if at hand."""
        from dataclasses import replace

        from ..drive import DiffusiveMedium

        model = self.surface_model(m) if model is None else model
        bare = DiffusiveMedium.from_model(
            model, self.coupling, leakage_time=self.surface.leakage_time
        )
        return replace(bare, strength=bare.strength / self.layers)

    def surface_field(self, m, model=None):
        """The in-plane field on the surface (:class:`tisot.drive.SurfaceField`): the gate's,
        screened by the surface electrons at m when ``gate.screening``."""
        gate = self.grating()
        if not self.gate.screening:
            return gate.field()
        from ..drive import SurfacePolarizability

        surface = SurfacePolarizability(
            self.surface_model(m) if model is None else model,
            method=self.gate.screening_method,
            leakage_time=self.surface.leakage_time,
        )
        return gate.field(screening=surface)

    def drive(self, m) -> DeviceDrive:
        """The drive of the gate at magnetization m, per FM moment (module docstring)."""
        from ..drive import fourier_drive
        from ..model import fieldlike_coefficient

        m = unit_vector("m", m)
        model = self.surface_model(m)
        field = self.surface_field(m, model)
        harmonic = fourier_drive(field, self.medium(m, model))
        coef = fieldlike_coefficient(model, self.coupling) / self.layers
        J = harmonic.current
        b = coef * np.stack([-J[:, 1], J[:, 0], np.zeros(len(J))], axis=-1)  # c z x J, Eq. (3)
        return DeviceDrive(
            wavevectors=harmonic.wavevectors,
            f=harmonic.drive,
            b=b,
            current=J,
            field=field.amplitudes,
            omega=harmonic.omega,
            screened=bool(self.gate.screening),
        )

    def check_regime(self, m) -> list[str]:
        """Warn (RegimeWarning) where the device leaves the theory's regime at m."""
        model = self.surface_model(m)
        q = 2 * math.pi / self.gate.period / model.scales.wavevector
        return model.check_regime(q, self.gate.omega / model.scales.rate, stacklevel=4)


# --------------------------------------------------------------------------- helpers
def _split(key: str) -> tuple[str, str]:
    section, _, name = str(key).partition(".")
    if section not in DEVICE_SCHEMA or not name:
        raise ValueError(
            f"unknown device key {key!r}: use section.key with section one of "
            + ", ".join(DEVICE_SCHEMA)
        )
    if name not in DEVICE_SCHEMA[section]:
        raise ValueError(f"unknown device key {key}{_did_you_mean(section, name)}")
    return section, name


def _did_you_mean(section: str, name: str) -> str:
    """ "; did you mean field_mt (mT)?" for a key with the wrong unit or a typo, else the list."""
    import difflib

    keys = list(DEVICE_SCHEMA[section])
    stem = name.rsplit("_", 1)[0] if "_" in name else name
    close = [k for k in keys if k.rsplit("_", 1)[0] == stem] or difflib.get_close_matches(
        name, keys, n=1, cutoff=0.6
    )
    if close:
        unit = DEVICE_SCHEMA[section][close[0]].units
        return f"; did you mean {section}.{close[0]} (unit: {unit})?"
    return f"; [{section}] accepts: " + ", ".join(keys)


def unknown_keys(section: str, table: Mapping[str, Any]) -> None:
    """Raise for the first key of ``table`` that [section] of a device file does not have."""
    for name in table:
        if name not in DEVICE_SCHEMA[section]:
            raise ValueError(f"unknown device key {section}.{name}{_did_you_mean(section, name)}")


def _apply(merged: dict[str, dict], overrides: Mapping[str, Any]) -> None:
    for key, value in overrides.items():
        section, name = _split(key)
        for keys in _alternatives(section):  # a new alternative replaces the old one
            if name in keys:
                for other in keys:
                    merged[section].pop(other, None)
        merged[section][name] = value


def _fill_presets(merged: dict[str, dict]) -> None:
    names = {}
    for section in ("surface", "fm"):
        name = merged[section].get("material")
        if isinstance(name, str) and name != "custom":
            from . import presets

            try:
                p = presets.preset(section, name)
            except ValueError as err:
                raise ValueError(f"{section}.material: {err} (or 'custom')") from None
            names[section] = p.name
            given = merged[section]
            base = dict(p.values)
            for keys in _alternatives(section):
                if any(k in given for k in keys):
                    for k in keys:
                        base.pop(k, None)
            merged[section] = {**base, **given, "material": p.name}
    if "exchange_mev" not in merged["interface"] and len(names) == 2:
        from . import presets

        pair = presets.INTERFACE_PRESETS.get((names["surface"], names["fm"]))
        if pair is None:
            raise ValueError(
                f"no interface preset for {names['surface']}/{names['fm']} (no measured Delta_sd): "
                "give interface.exchange_mev in meV (a proximity exchange of a few meV is typical; "
                "docs/materials.md)"
            )
        merged["interface"] = {**pair.values, **merged["interface"]}


def _alternatives(section: str) -> list[tuple[str, ...]]:
    """The groups of alternative keys of one section (exactly one of each is set)."""
    from .schema import ALTERNATIVES

    return [keys for group, keys in ALTERNATIVES.items() if group.split(".")[0] == section]


def _reject_nan(data, where: str = "") -> None:
    for key, value in data.items():
        name = f"{where}.{key}" if where else key
        if isinstance(value, dict):
            _reject_nan(value, name)
        elif isinstance(value, float) and math.isnan(value):
            raise ValueError(f"{name} must be a number, got nan")
