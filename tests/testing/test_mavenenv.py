"""Java dependencies (issue 15): a project's pom.xml coordinates are resolved in a local
Maven repository (read as data, nothing executed), the jars and their runtime
dependencies copied into the environment cache and put on the sandbox's class paths;
what is not there is named per dependency.

Self-contained: the repository is made here (two small jars compiled by the host's
javac, one needing the other through its POM), as a team's ``~/.m2/repository`` would be."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from devlab.config import Settings, load_settings
from devlab.testing import GenerateRequest, generate_for_project, measure_coverage
from devlab.testing.mavenenv import maven_env
from devlab.workbench import Workbench
from lab_projects import ingest

pytestmark = pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK")

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId><artifactId>shop</artifactId><version>1.0</version>
  <properties><money.version>2.0</money.version></properties>
  <dependencies>
    <dependency><groupId>org.example</groupId><artifactId>money</artifactId>
      <version>${money.version}</version></dependency>
    <dependency><groupId>org.example</groupId><artifactId>absent</artifactId>
      <version>1.0</version></dependency>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
      <version>5.9.2</version><scope>test</scope></dependency>
  </dependencies>
</project>
"""


def _artifact(repo: Path, work: Path, artifact: str, version: str, java: dict[str, str],
              pom_deps: str = "", classpath: str = "") -> None:  # fmt: skip
    """Compile ``java`` into ``org.example:artifact:version`` in ``repo`` with its POM."""
    src, out = work / f"{artifact}-src", work / f"{artifact}-classes"
    for rel, text in java.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    out.mkdir()
    cp = ["-cp", classpath] if classpath else []
    subprocess.run(["javac", "--release", "11", "-d", str(out), *cp,
                    *[str(src / r) for r in java]], check=True)  # fmt: skip
    where = repo / "org" / "example" / artifact / version
    where.mkdir(parents=True)
    subprocess.run(["jar", "cf", str(where / f"{artifact}-{version}.jar"), "-C", str(out), "."],
                   check=True)  # fmt: skip
    (where / f"{artifact}-{version}.pom").write_text(
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><groupId>org.example</groupId>'
        f"<artifactId>{artifact}</artifactId><version>{version}</version>"
        f"<dependencies>{pom_deps}</dependencies></project>"
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("maven")
    repo = work / "repo"
    _artifact(repo, work, "rounding", "1.1", {
        "org/example/rounding/Cents.java": "package org.example.rounding;\n"
        "public class Cents { public static long of(double v) { return Math.round(v * 100); } }\n",
    })  # fmt: skip
    _artifact(
        repo, work, "money", "2.0",
        {"org/example/money/Money.java": "package org.example.money;\n"
         "import org.example.rounding.Cents;\n"
         "public class Money { public static long cents(double v) { return Cents.of(v); } }\n"},
        pom_deps="<dependency><groupId>org.example</groupId><artifactId>rounding</artifactId>"
        "<version>${project.version}</version></dependency>"
        "<dependency><groupId>org.example</groupId><artifactId>optional-thing</artifactId>"
        "<version>1</version><optional>true</optional></dependency>"
        "<dependency><groupId>..</groupId><artifactId>..</artifactId><version>1</version>"
        "</dependency>",  # a repository POM naming a path: never followed
        classpath=str(repo / "org/example/rounding/1.1/rounding-1.1.jar"),
    )  # fmt: skip
    return repo


@pytest.fixture
def lab_settings(tmp_path: Path, repo: Path) -> Iterator[Settings]:
    cache = Path(tempfile.mkdtemp(prefix="devlab-envs-", dir="/var/tmp"))
    cache.chmod(0o755)
    # the mutant-killing keep rule has tests of its own (test_javamutation.py)
    yield load_settings(
        home=tmp_path / "home",
        sandbox_env_cache=cache,
        maven_repo=repo,
        testing_mutant_keep=False,
    )
    shutil.rmtree(cache, ignore_errors=True)


def test_coordinates_resolve_with_their_runtime_dependencies(lab_settings: Settings) -> None:
    env, mounts = maven_env({"pom.xml": POM}, lab_settings)
    fate = {d.name: d for d in env.dependencies}
    assert fate["org.example:money"].status == "installed"
    assert fate["org.example:money"].reason.startswith("version 2.0 from ")
    assert fate["org.example:absent"].status == "failed"
    assert "not in the Maven repository" in fate["org.example:absent"].reason
    assert fate["org.junit.jupiter:junit-jupiter"].status == "provided"
    assert env.status == "partial" and "absent" in env.message
    [mount] = mounts
    jars = sorted(p.name for p in Path(mount.host).iterdir())
    assert jars == ["org.example_money.jar", "org.example_rounding.jar"]  # transitive too
    again, _ = maven_env({"pom.xml": POM}, lab_settings)
    assert again.cached and again.key == env.key


def test_hostile_coordinates_are_refused_not_followed(lab_settings: Settings) -> None:
    pom = POM.replace("<groupId>org.example</groupId><artifactId>absent</artifactId>",
                      "<groupId>..</groupId><artifactId>..</artifactId>")  # fmt: skip
    env, _ = maven_env({"pom.xml": pom}, lab_settings)
    [bad] = [d for d in env.dependencies if d.name == "..:.."]
    assert bad.status == "failed" and "not a Maven coordinate" in bad.reason
    env, mounts = maven_env({"pom.xml": POM}, lab_settings, repo=Path("/nonexistent/repo"))
    assert env.status == "failed" and mounts == []
    assert "no Maven repository at /nonexistent/repo" in env.dependencies[0].reason


@pytest.mark.slow
@pytest.mark.sandbox
def test_a_java_project_with_maven_dependencies_is_measured(
    lab_bench: Workbench, tmp_path: Path
) -> None:
    ingest(lab_bench, tmp_path, "shop", {
        "pom.xml": POM.replace("<dependency><groupId>org.example</groupId><artifactId>absent"
                               "</artifactId>\n      <version>1.0</version></dependency>", ""),
        "src/main/java/shop/Price.java": "package shop;\nimport org.example.money.Money;\n"
        "public class Price {\n    public static long total(double a, double b) {\n"
        "        return Money.cents(a) + Money.cents(b);\n    }\n"
        "    public static long discounted(double a) {\n"
        "        if (a > 100) {\n            return Money.cents(a * 0.9);\n        }\n"
        "        return Money.cents(a);\n    }\n}\n",
        "src/test/java/shop/PriceTest.java": "package shop;\n"
        "import static org.junit.jupiter.api.Assertions.assertEquals;\n"
        "import org.junit.jupiter.api.Test;\nimport org.example.money.Money;\n"
        "class PriceTest {\n    @Test void adds() { assertEquals(350, Price.total(1.25, 2.25)); }\n"
        "    @Test void direct() { assertEquals(Amounts.FIVE, Money.cents(0.05)); }\n"
        "    @Test void resource() throws Exception {\n"
        "        assertEquals('7',\n"
        "            ClassLoader.getSystemResourceAsStream(\"shop/rate.txt\").read());\n"
        "    }\n}\n",
        # a helper of the tests that imports no JUnit: compiled with them
        "src/test/java/shop/Amounts.java":
            "package shop;\nclass Amounts { static final long FIVE = 5; }\n",
        "src/test/resources/shop/rate.txt": "7\n",  # read through the system class loader
        # a dependency that is not installed: this file is left out, the rest runs
        "src/test/java/shop/MockedTest.java": "package shop;\nimport org.mockito.Mockito;\n"
        "import org.junit.jupiter.api.Test;\nclass MockedTest {\n"
        "    @Test void mocks() { Mockito.mock(Price.class); }\n}\n",
    })  # fmt: skip
    result = measure_coverage(lab_bench.db, lab_bench.settings, "shop")
    assert result.status == "ok", result.message
    assert {t.name: t.outcome for t in result.tests} == {
        "shop.PriceTest::adds": "passed", "shop.PriceTest::direct": "passed",
        "shop.PriceTest::resource": "passed",
    }  # fmt: skip
    assert "1 of 3 test files did not compile and were left out" in result.message
    assert "src/test/java/shop/MockedTest.java" in result.message
    [f] = result.files
    total = next(fn.summary for fn in f.functions if fn.name == "Price.total")
    assert total.lines_covered == total.lines == 1  # the implicit constructor never ran
    assert result.dependencies is not None and result.dependencies.status == "ready"
    # generation compiles, probes and proves against the same jars
    request = GenerateRequest(project="shop", path="src/main/java/shop/Price.java",
                              framework="junit", use_model=False)  # fmt: skip
    generated = generate_for_project(lab_bench.db, lab_bench.settings, request, model=None)
    assert {c.target for c in generated.kept} >= {"Price.discounted"}, generated.message
    assert generated.after.line_percent > generated.before.line_percent
    # the project test file javac rejected is named in the generation's result too
    assert generated.proof["left_out_tests"] == ["src/test/java/shop/MockedTest.java"]
    assert "1 of 3 test files did not compile and were left out" in generated.message
    without = measure_coverage(lab_bench.db, lab_bench.settings, "shop", install=False)
    assert without.status == "error" and "org.example.money" in without.message
