package io.kmsjca.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three real JVMs share one key store in a real PostgreSQL, each configured only through a
 * {@code java.security} file: rotations and disables reach the others within a second,
 * simultaneous rotations make one new version, and a database restart mid-run loses nothing.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class FleetTest {

    @TempDir
    Path dir;

    @Test
    void aRotationOrDisableInOneJvm_isUsedByTheOthersWithinOneSecond() throws Exception {
        Member.configure(dir, TestDatabase.shared().jdbcUrl(), TestDatabase.uniqueStoreName());
        try (Member one = Member.start(dir); Member two = Member.start(dir); Member three = Member.start(dir)) {
            one.ask("create orders");
            two.ask("await-key orders");
            three.ask("await-key orders");
            assertEquals("1", two.ask("wrap orders").split(" ")[0]);

            assertEquals("2", one.ask("rotate orders"));
            long twoSaw = Long.parseLong(two.ask("await-version orders 2"));
            long threeSaw = Long.parseLong(three.ask("await-version orders 2"));
            assertTrue(twoSaw < 1000 && threeSaw < 1000, "rotation seen after " + twoSaw + " and " + threeSaw + " ms");

            String blob = three.ask("wrap orders").split(" ")[1];
            one.ask("disable orders");
            long refusedAfter = Long.parseLong(two.ask("await-refused orders"));
            long threeRefusedAfter = Long.parseLong(three.ask("await-refused orders")); // each JVM hears it on its own
            assertTrue(refusedAfter < 1000 && threeRefusedAfter < 1000,
                    "disable seen after " + refusedAfter + " and " + threeRefusedAfter + " ms");
            assertTrue(three.send("unwrap orders " + blob).startsWith("error"), "a disabled key unwraps nothing");
            System.out.printf("fleet: rotation seen in %d and %d ms, disable in %d and %d ms%n", twoSaw, threeSaw,
                    refusedAfter, threeRefusedAfter);
        }
    }

    @Test
    void threeJvmsRotatingAtTheSameMoment_makeOneNewVersion_andEachSeesIt() throws Exception {
        Member.configure(dir, TestDatabase.shared().jdbcUrl(), TestDatabase.uniqueStoreName());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (Member one = Member.start(dir); Member two = Member.start(dir); Member three = Member.start(dir)) {
            one.ask("create shared");
            two.ask("await-key shared");
            three.ask("await-key shared");
            int versions = 1;
            int allAgreed = 0;
            for (int round = 0; round < 5; round++) {
                long at = System.currentTimeMillis() + 300;
                List<Future<String>> replies = new ArrayList<>();
                for (Member m : List.of(one, two, three)) {
                    replies.add(pool.submit(() -> m.ask("rotate-at shared " + at)));
                }
                Set<Integer> returned = new TreeSet<>();
                for (Future<String> f : replies) {
                    returned.add(Integer.parseInt(f.get()));
                }
                // overlapping rotations coalesce; each distinct version returned is one that was made
                int newest = versions + returned.size();
                assertEquals(versions + 1, returned.iterator().next(), "round " + round + ": " + returned);
                assertEquals(newest, ((TreeSet<Integer>) returned).last(), "round " + round + ": " + returned);
                allAgreed += returned.size() == 1 ? 1 : 0;
                versions = newest;
                for (Member m : List.of(one, two, three)) {
                    m.ask("await-version shared " + versions);
                    assertEquals(Integer.toString(versions), m.ask("versions shared"), "no version beyond those returned");
                }
            }
            assertTrue(allAgreed > 0, "in no round did the three rotations overlap");
            System.out.println("fleet: in " + allAgreed + " of 5 rounds three simultaneous rotations made one version");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDatabaseRestartMidRun_losesNothing() throws Exception {
        try (TestDatabase db = TestDatabase.own(dir.resolve("pg"))) {
            Member.configure(dir, db.jdbcUrl(), "restart");
            List<String> blobs = new ArrayList<>();
            try (Member one = Member.start(dir); Member two = Member.start(dir)) {
                one.ask("create orders");
                two.ask("await-key orders");
                blobs.add(one.ask("wrap orders").split(" ")[1]);

                db.stop();
                assertEquals("500 0", one.ask("wrap-many orders 500"), "wrapping needs no database");
                blobs.add(two.ask("wrap orders").split(" ")[1]);
                String refused = one.send("rotate orders");
                assertTrue(refused.startsWith("error") && refused.contains("PostgreSQL"), refused);

                db.start();
                String rotated = "";
                for (int i = 0; i < 100 && !rotated.startsWith("ok"); i++) {
                    rotated = one.send("rotate orders");
                    Thread.sleep(rotated.startsWith("ok") ? 0 : 200);
                }
                assertEquals("ok 2", rotated, "the rotation refused during the outage left nothing behind");
                two.ask("await-version orders 2");
                blobs.add(two.ask("wrap orders").split(" ")[1]);
                for (String blob : blobs) {
                    one.ask("unwrap orders " + blob);
                    two.ask("unwrap orders " + blob);
                }
            }
            try (Member later = Member.start(dir)) {
                assertEquals("2", later.ask("versions orders"));
                for (String blob : blobs) {
                    later.ask("unwrap orders " + blob);
                }
            }
            assertTrue(Files.exists(dir.resolve("pg")));
        }
    }
}
