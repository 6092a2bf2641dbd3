import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.jacoco.agent.rt.RT;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * DevLab's per-test coverage runner (see devlab/testing/javagen.py): runs one JUnit 5
 * class RUNS times; each test's JaCoCo execution data (reset before it starts) goes to
 * OUT/<run>-<method>.exec and its outcome to stdout. Args: class name, out dir, runs,
 * per-test timeout ("5 s").
 */
public class DevlabEach {
  public static void main(String[] args) throws Exception {
    File out = new File(args[1]);
    out.mkdirs();
    int runs = Integer.parseInt(args[2]);
    Launcher launcher = LauncherFactory.create();
    for (int run = 1; run <= runs; run++) {
      final int current = run;
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(DiscoverySelectors.selectClass(args[0]))
          .configurationParameter("junit.jupiter.execution.timeout.default", args[3])
          .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default",
              "SEPARATE_THREAD")
          .build();
      launcher.execute(request, new TestExecutionListener() {
        @Override
        public void executionStarted(TestIdentifier id) {
          if (id.isTest()) RT.getAgent().reset();
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
          if (!id.isTest() || !id.getSource().isPresent()) return;
          if (!(id.getSource().get() instanceof MethodSource)) return;
          String name = ((MethodSource) id.getSource().get()).getMethodName();
          byte[] data = RT.getAgent().getExecutionData(true);
          try {
            Files.write(new File(out, current + "-" + name + ".exec").toPath(), data);
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
          String why = result.getThrowable().map(t -> String.valueOf(t)).orElse("");
          why = why.replace('\n', ' ');
          if (why.length() > 300) why = why.substring(0, 300);
          System.out.println("@@E " + current + " " + name + " " + result.getStatus() + " " + why);
        }
      });
    }
  }
}
