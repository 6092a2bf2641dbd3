import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.analysis.IClassCoverage;
import org.jacoco.core.analysis.ICounter;
import org.jacoco.core.analysis.ILine;
import org.jacoco.core.analysis.IMethodCoverage;
import org.jacoco.core.analysis.ISourceFileCoverage;
import org.jacoco.core.data.ExecutionData;
import org.jacoco.core.tools.ExecFileLoader;

/**
 * DevLab's JaCoCo reader (see devlab/testing/javarun.py): class files + execution data
 * files -> one JSON line per execution data file (args: classes dir, exec files...).
 * With -Ddevlab.only=pkg/Cls.java -Ddevlab.class=pkg/Cls (JUnit generation, hundreds of
 * execution files): that source file's lines and that class's probes only, no methods.
 */
public class DevlabJacoco {
  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 32) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  public static void main(String[] args) throws IOException {
    for (int i = 1; i < args.length; i++) {
      System.out.println(report(new File(args[0]), new File(args[i])));
    }
  }

  static final String ONLY = System.getProperty("devlab.only", "");

  static String report(File classes, File exec) throws IOException {
    ExecFileLoader loader = new ExecFileLoader();
    if (exec.isFile()) loader.load(exec);
    CoverageBuilder builder = new CoverageBuilder();
    new Analyzer(loader.getExecutionDataStore(), builder).analyzeAll(classes);
    StringBuilder out = new StringBuilder("{\"exec\":").append(q(exec.getName())).append(",\"files\":[");
    boolean first = true;
    for (ISourceFileCoverage f : builder.getSourceFiles()) {
      if (!ONLY.isEmpty() && !ONLY.equals(f.getPackageName() + "/" + f.getName())) continue;
      if (!first) out.append(',');
      first = false;
      out.append("{\"path\":").append(q(f.getPackageName() + "/" + f.getName())).append(",\"lines\":[");
      boolean firstLine = true;
      for (int n = f.getFirstLine(); n <= f.getLastLine() && n > 0; n++) {
        ILine l = f.getLine(n);
        if (l.getStatus() == ICounter.EMPTY) continue;
        if (!firstLine) out.append(',');
        firstLine = false;
        ICounter br = l.getBranchCounter();
        out.append('[').append(n).append(',').append(l.getInstructionCounter().getCoveredCount() > 0 ? 1 : 0)
           .append(',').append(br.getTotalCount()).append(',').append(br.getCoveredCount()).append(']');
      }
      out.append("]}");
    }
    out.append("],\"methods\":[");
    first = true;
    for (IClassCoverage c : builder.getClasses()) {
      if (!ONLY.isEmpty()) break;
      for (IMethodCoverage m : c.getMethods()) {
        if (m.getFirstLine() < 0) continue;
        if (!first) out.append(',');
        first = false;
        String cls = c.getName();
        out.append('[').append(q(c.getPackageName() + "/" + c.getSourceFileName())).append(',')
           .append(q(cls.substring(cls.lastIndexOf('/') + 1) + "." + m.getName())).append(',')
           .append(m.getFirstLine()).append(',').append(m.getLastLine()).append(']');
      }
    }
    out.append("],\"probes\":[");
    first = true;
    String prefix = System.getProperty("devlab.class", "");
    for (ExecutionData d : loader.getExecutionDataStore().getContents()) {
      String name = d.getName();
      if (!ONLY.isEmpty() && !name.equals(prefix) && !name.startsWith(prefix + "$")) continue;
      if (!first) out.append(',');
      first = false;
      out.append('[').append(q(d.getName())).append(",[");
      boolean[] probes = d.getProbes();
      boolean firstProbe = true;
      for (int i = 0; i < probes.length; i++) {
        if (!probes[i]) continue;
        if (!firstProbe) out.append(',');
        firstProbe = false;
        out.append(i);
      }
      out.append("]]");
    }
    out.append("]}");
    return out.toString();
  }
}
