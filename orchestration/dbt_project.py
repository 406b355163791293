"""The dbt project as Dagster sees it. A module of its own so that
`dagster-dbt project prepare-and-package --file orchestration/dbt_project.py`
can build the manifest before the code location loads."""

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare_manifest() -> None:
    """Write target/manifest.json from the models as they are now (`dbt parse`)."""
    dbt_project.preparer.prepare(dbt_project)
