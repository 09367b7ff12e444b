package io.kmsjca.cli;

import io.kmsjca.cli.Inputs.Pairs;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.spi.internal.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.crypto.Cipher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.spec.AlgorithmParameterSpec;

/**
 * Files of any size in the KMSEnvelope format: streamed in constant memory through
 * {@link AtomicFiles}, so the output appears only once the whole file encrypted (or
 * authenticated), readable by its owner only; a failure or a tampered input never leaves a
 * partial output.
 */
final class FileCommands {

    private static final int BUFFER = 64 * 1024;

    @Command(mixinStandardHelpOptions = true, name = "encrypt-file", description = "Encrypt a file of any size under a master key (KMSEnvelope: a fresh data "
            + "key, wrapped in the header; 16 KiB authenticated chunks).",
            footer = {"", "Example:", "  kms encrypt-file --key-id alias/orders --in report.pdf --out report.pdf.kms --encryption-context dept=finance"})
    static void encryptFile(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true,
                             description = "The master key: its key id, or an alias.") String keyId,
                     @Option(names = "--in", required = true, paramLabel = "FILE", description = "The file to encrypt.") Path in,
                     @Option(names = "--out", required = true, paramLabel = "FILE",
                             description = "Where the encrypted file goes (written whole, then renamed into place).") Path out,
                     @Option(names = "--encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                             description = "key=value,...: bound to the file, needed again to decrypt.") Pairs context,
                     @Option(names = "--no-progress", description = "No progress bar, even on a terminal.") boolean noProgress)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            KmsKeyHandle master = Common.key(keys, keyId);
            long[] sizes = transform(common, Cipher.ENCRYPT_MODE, master, KmsEnvelopeSpec.withContext(Pairs.of(context)),
                    in, out, noProgress);
            common.print(Shapes.result().with("KeyId", master.keyId().toString()).with("InputFile", in.toString())
                    .with("OutputFile", out.toString()).with("PlaintextBytes", sizes[0]).with("CiphertextBytes", sizes[1]));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "decrypt-file", description = "Decrypt a file of encrypt-file. Its header names the master key. "
            + "Nothing is written unless the whole file authenticates.",
            footer = {"", "Example:", "  kms decrypt-file --in report.pdf.kms --out report.pdf --encryption-context dept=finance"})
    static void decryptFile(@Mixin Common common,
                     @Option(names = "--in", required = true, paramLabel = "FILE", description = "A file of encrypt-file.") Path in,
                     @Option(names = "--out", required = true, paramLabel = "FILE",
                             description = "Where the plaintext goes, once the whole file has authenticated.") Path out,
                     @Option(names = "--encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                             description = "Refuse unless the file was encrypted with exactly this context.") Pairs context,
                     @Option(names = "--no-progress", description = "No progress bar, even on a terminal.") boolean noProgress)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            AlgorithmParameterSpec expected = context == null ? null : KmsEnvelopeSpec.withContext(context.values());
            long[] sizes = transform(common, Cipher.DECRYPT_MODE, KmsKeyRing.anyKeyOf(keys), expected, in, out, noProgress);
            common.print(Shapes.result().with("InputFile", in.toString()).with("OutputFile", out.toString())
                    .with("CiphertextBytes", sizes[0]).with("PlaintextBytes", sizes[1]));
        });
    }

    /** Streams {@code in} through the cipher into {@code out}, committed only after doFinal; returns bytes read and written. */
    private static long[] transform(Common common, int mode, Key key, AlgorithmParameterSpec spec, Path in, Path out,
                                    boolean noProgress) throws GeneralSecurityException, IOException {
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new CliException(ExitCode.USAGE, "--in and --out are the same file; write to another file");
        }
        Cipher cipher = Cipher.getInstance("KMSEnvelope", Common.PROVIDER);
        cipher.init(mode, key, spec);
        long[] counts = new long[2]; // bytes read, bytes written
        try (InputStream source = Files.newInputStream(in)) {
            Progress progress = Progress.forFile(common.err(), Files.size(in), noProgress);
            AtomicFiles.replace(out, (AtomicFiles.Content<GeneralSecurityException>) sink -> {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = source.read(buffer)) > 0; ) {
                    byte[] chunk = cipher.update(buffer, 0, n);
                    counts[0] += n;
                    if (chunk != null) {
                        sink.write(chunk);
                        counts[1] += chunk.length;
                    }
                    progress.advance(n);
                }
                byte[] last = cipher.doFinal(); // throws before anything is renamed into place
                sink.write(last);
                counts[1] += last.length;
            });
            progress.finish();
        }
        return counts;
    }
}
