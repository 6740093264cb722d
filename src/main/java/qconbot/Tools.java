package qconbot;

import qconbot.Main.Core;
import qconbot.Main.StartupFailure;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.NotesWriter;
import qconbot.store.Copy;
import qconbot.store.Db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * The command-line tools beside the bot: {@code backup}, {@code export} and {@code migrate-db}. Each prints what it
 * did on standard output and fails with a {@link StartupFailure}, which {@link Main} turns into one line and exit
 * code 2.
 */
final class Tools {

    private Tools() {
    }

    /**
     * {@code migrate-db --to jdbc:postgresql://host:5432/qcon}: copies the SQLite database QCON_DB names into an empty
     * PostgreSQL database (user and password from QCON_DB_USER and QCON_DB_PASSWORD, or the URL), and checks the
     * counts of every table. Stop the bot first; then start the bots with QCON_DB set to the URL.
     */
    static void migrateDb(Config config, String[] args) throws StartupFailure {
        if (args.length != 3 || !args[1].equals("--to") || !args[2].startsWith("jdbc:postgresql://")) {
            throw new StartupFailure("Usage: java -jar qcon-bot.jar migrate-db --to jdbc:postgresql://host:5432/qcon"
                    + " (QCON_DB names the SQLite file to copy; QCON_DB_USER and QCON_DB_PASSWORD the PostgreSQL login)", null);
        }
        if (config.postgres() != null) {
            throw new StartupFailure("QCON_DB is already a PostgreSQL database; set it to the SQLite file to copy.", null);
        }
        if (!Files.isRegularFile(config.db())) {
            throw new StartupFailure("There is no SQLite database at " + config.db() + " (QCON_DB) to copy.", null);
        }
        Config.Postgres target = new Config.Postgres(args[2], System.getenv(Config.QCON_DB_USER),
                System.getenv(Config.QCON_DB_PASSWORD));
        try (Db sqlite = Db.open(config.db());
             Db postgres = Db.openPostgres(target.url(), target.user(), target.password())) {
            Map<String, Long> counts = Copy.database(sqlite, postgres);
            System.out.println("Copied " + config.db() + " to " + target + "; rows in both: " + counts + ".");
            System.out.println("Now start the bots with QCON_DB=" + Db.withoutPassword(target.url())
                    + " (README, Running several replicas). Keep " + config.db() + " as it is until they run well.");
        } catch (SQLException e) {
            throw new StartupFailure("migrate-db: " + e.getMessage(), e);
        }
    }

    /** backup FILE: a consistent copy of QCON_DB, safe while the bot runs. */
    static void backup(Config config, String[] args) throws StartupFailure {
        if (args.length != 2) {
            throw new StartupFailure("Usage: java -jar qcon-bot.jar backup FILE (a new file; QCON_DB names the database)", null);
        }
        if (config.postgres() != null) {
            throw new StartupFailure("QCON_DB is a PostgreSQL database, which this command does not copy. Use PostgreSQL's"
                    + " own tools: pg_dump --format=custom --file=qcon.dump <database> while the bots run, and pg_restore"
                    + " into an empty database to restore (README, Running several replicas).", null);
        }
        Path copy = Path.of(args[1]);
        try {
            Db.backup(config.db(), copy);
        } catch (SQLException e) {
            throw new StartupFailure("Backup failed: " + e.getMessage(), e);
        }
        System.out.println("Backed up " + config.db() + " to " + copy + " (integrity check ok). To restore: stop the bot,"
                + " then copy it over " + config.db() + " and delete any " + config.db() + "-wal and -shm files.");
    }

    /**
     * export DIR: every conference as a notes file, the files' talks with the points added in Slack and the talks
     * added there, in the format the notes are read in. Files of the same name in DIR are replaced.
     */
    static void export(Config config, String[] args) throws StartupFailure {
        if (args.length != 2) {
            throw new StartupFailure("Usage: java -jar qcon-bot.jar export DIR (QCON_NOTES and QCON_DB say what to export)", null);
        }
        System.out.println(exportTo(config, Path.of(args[1])));
    }

    /** The export to {@code dir} with its own connection to the database; what it wrote. */
    static String exportTo(Config config, Path dir) throws StartupFailure {
        try (Core core = Core.open(config, Clock.systemUTC())) {
            return export(core, config, dir);
        } catch (IOException | SQLException e) {
            throw new StartupFailure("Export failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the notes files with what was added in Slack to {@code dir}; says which files it wrote. Each file name is
     * used once in a run, whatever its case (two conferences whose names differ only in case or punctuation get
     * "-2"), and bounded in length. Each file is read back as it is written: a file that would not read back as what
     * the bot holds fails the export, naming the talk and the difference.
     */
    static String export(Core core, Config config, Path dir) throws IOException, SQLException, StartupFailure {
        Files.createDirectories(dir);
        StringBuilder wrote = new StringBuilder();
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (Notes notes : core.added().mergeInto(NotesParser.readAll(config.notes()), core.talks().keptInView())) {
            String name = NotesWriter.uniqueFileName(notes, taken);
            Path file = dir.resolve(name);
            String text = NotesWriter.write(notes);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            String difference = NotesWriter.difference(notes, NotesParser.parse(name, Files.readString(file)));
            if (difference != null) {
                throw new StartupFailure("Export check failed: " + file + " does not read back as the bot holds it: "
                        + difference + ". The files written so far are in " + dir + "; please report this.", null);
            }
            wrote.append(wrote.isEmpty() ? "" : "\n").append("Wrote ").append(file).append(": ").append(notes.conference())
                    .append(", ").append(notes.talks().size()).append(" talks");
        }
        return wrote.toString();
    }
}
