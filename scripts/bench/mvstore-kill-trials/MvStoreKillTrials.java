import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Does a plain MVStore keep its last commit across a kill -9 (docs/benchmarks.md, "The view on plain maps")?
 * Each trial starts a JVM that opens the same file with the given retention time (ms; -1 for never written over),
 * commits every 20 ms (20 entries and a counter) for MILLIS to 1.25 x MILLIS, printing each committed counter, and
 * is then killed (SIGKILL); the file, opened again, must hold the last counter printed.
 * Usage (scripts/bench/mvstore-kill-trials/run): java -cp fks-execution.jar:. MvStoreKillTrials RETENTION TRIALS MILLIS
 */
public final class MvStoreKillTrials {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("child")) {
            child(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            return;
        }
        int retention = Integer.parseInt(args[0]);
        int trials = Integer.parseInt(args[1]);
        long millis = Long.parseLong(args[2]);
        Path file = Files.createTempFile("kill-trials", ".mv");
        Files.delete(file);
        int lost = 0;
        Random random = new Random(3);
        for (int t = 0; t < trials; t++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "MvStoreKillTrials", "child", file.toString(),
                    Integer.toString(retention), Long.toString(millis + random.nextInt((int) millis / 4))).start();
            String last = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                String line;
                while ((line = out.readLine()) != null && !line.equals("END")) {
                    last = line;
                }
                child.destroyForcibly();
                child.waitFor();
            }
            MVStore reopened = new MVStore.Builder().fileName(file.toString()).open();
            String got = reopened.<String, String>openMap("b").get("x");
            reopened.close();
            if (!String.valueOf(last).equals(got)) {
                lost++;
                System.out.println("trial " + t + ": last commit answered " + last + ", file opened at " + got);
            }
        }
        System.out.printf("retention %d ms, %d trials of %d+ ms: last commit lost in %d, file %d bytes%n", retention,
                trials, millis, lost, Files.size(file));
        Files.delete(file);
    }

    private static void child(Path file, int retention, long millis) throws Exception {
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        store.setRetentionTime(retention < 0 ? Integer.MAX_VALUE : retention);
        MVMap<String, String> entries = store.openMap("m");
        MVMap<String, String> counter = store.openMap("b");
        int v = Integer.parseInt(counter.getOrDefault("x", "0"));
        long end = System.currentTimeMillis() + millis;
        while (true) {
            v++;
            for (int j = 0; j < 20; j++) {
                entries.put("k" + v + "-" + j, "v" + v + "-".repeat(50));
            }
            counter.put("x", Integer.toString(v));
            store.commit();
            System.out.println(v);
            System.out.flush();
            if (System.currentTimeMillis() > end) {
                System.out.println("END");
                System.out.flush();
                Thread.sleep(100_000);
            }
            Thread.sleep(20);
        }
    }
}
