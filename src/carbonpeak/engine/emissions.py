"""CO2 emissions from fuel combustion, purchased electricity and purchased heat.

References
----------
.. [1] GB/T 32150-2015 工业企业温室气体排放核算和报告通则, clause 6.2 (燃料燃烧排放)
   and Annex A Table A.1; the same formula is used by the NDRC 企业温室气体排放核算方法
   与报告指南 (2013–2015).
.. [2] MEE & NBS 公告2024年第12号 / 2024年第33号 / 2025年第47号: 电力二氧化碳排放因子
   (provincial average factors, tCO2/MWh).
.. [3] NDRC 企业温室气体排放核算方法与报告指南: purchased heat 0.11 tCO2/GJ.
"""

from __future__ import annotations

#: Molecular-weight ratio of CO2 to C (exact definitional constant).
CO2_PER_C: float = 44.0 / 12.0


def fuel_co2_factor(ncv: float, carbon_content_tc_per_tj: float, oxidation_rate: float) -> float:
    r"""CO2 emission factor of a fuel from its net calorific value, carbon content and oxidation rate.

    Parameters
    ----------
    ncv : float
        Net calorific value [GJ/t for solids and liquids, GJ/10^4 Nm3 for gases].
    carbon_content_tc_per_tj : float
        Carbon content per unit of heat [tC/TJ].
    oxidation_rate : float
        Fraction of carbon oxidised [-], e.g. 0.93.

    Returns
    -------
    float
        Emission factor [tCO2/t or tCO2/10^4 Nm3].

    Notes
    -----
    .. math:: EF = NCV \times CC \times OF \times \frac{44}{12} \times 10^{-3}

    (GJ × tC/TJ = 10^-3 tC.) GB/T 32150-2015 clause 6.2.2 and Annex A.
    Example, 原煤 default (DEFAULTS §2): 20.908 × 26.1 × 0.93 × 44/12 / 1000 = 1.860833 tCO2/t.
    """
    return ncv * carbon_content_tc_per_tj * oxidation_rate * CO2_PER_C / 1000.0


def co2_from_fuel(activity: float, co2_factor: float) -> float:
    r"""CO2 from burning a fuel.

    Parameters
    ----------
    activity : float
        Fuel burnt [t or 10^4 Nm3].
    co2_factor : float
        Emission factor [tCO2/t or tCO2/10^4 Nm3], see :func:`fuel_co2_factor`.

    Returns
    -------
    float
        Emissions [tCO2].

    Notes
    -----
    .. math:: E_{CO2} = AD \times EF

    GB/T 32150-2015 clause 6.2.1.
    """
    return activity * co2_factor


def co2_from_electricity(electricity_mwh: float, grid_factor_tco2_per_mwh: float) -> float:
    r"""Indirect CO2 from purchased electricity.

    Parameters
    ----------
    electricity_mwh : float
        Electricity consumed [MWh].
    grid_factor_tco2_per_mwh : float
        Average grid emission factor of the year and region [tCO2/MWh] (= kgCO2/kWh).

    Returns
    -------
    float
        Emissions [tCO2].

    Notes
    -----
    .. math:: E_{CO2} = AD_{elec} \times EF_{grid}

    GB/T 32150-2015 clause 6.4; factors from the MEE/NBS notices on electricity CO2
    emission factors (e.g. 公告2024年第33号 for 2022 data).
    """
    return electricity_mwh * grid_factor_tco2_per_mwh


def co2_from_heat(heat_gj: float, heat_factor_tco2_per_gj: float = 0.11) -> float:
    r"""Indirect CO2 from purchased heat (steam, hot water).

    Parameters
    ----------
    heat_gj : float
        Heat consumed [GJ].
    heat_factor_tco2_per_gj : float, default 0.11
        Heat emission factor [tCO2/GJ].

    Returns
    -------
    float
        Emissions [tCO2].

    Notes
    -----
    .. math:: E_{CO2} = AD_{heat} \times EF_{heat}

    GB/T 32150-2015 clause 6.4; default 0.11 tCO2/GJ from the NDRC enterprise
    GHG accounting guidelines.
    """
    return heat_gj * heat_factor_tco2_per_gj
