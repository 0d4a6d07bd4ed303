import pytest

from carbonpeak.plans import samples, services


@pytest.fixture
def sample_plan(db):
    parsed, text = services.parse_file(samples.sample_plan_path())
    return services.import_plan(parsed, source_text=text).plan
