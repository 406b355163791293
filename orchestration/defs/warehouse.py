"""The warehouse as users see it: what the DuckDB file holds after a build."""

import dagster as dg
import duckdb

from orchestration.resources import WarehouseResource
from orchestration.summary import FACT_TABLES, summarize


@dg.asset(group_name="marts", kinds={"duckdb"}, deps=[dg.AssetKey(t) for t in (*FACT_TABLES, "yoy_measures")])
def warehouse_summary(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Row counts of the tables users query, recorded on each build so they can be charted."""
    # Read-only: a reader never stands in the way of the next build's swap.
    with duckdb.connect(str(warehouse.database()), read_only=True) as con:
        counts = summarize(con)
    return dg.MaterializeResult(
        metadata={**{t: dg.MetadataValue.int(n) for t, n in counts.items()},
                  "database": dg.MetadataValue.path(str(warehouse.database()))}
    )
