package io.kmsjca.internal.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Opens the files of the audit log, creating them readable and writable by their owner only
 * ({@code rw-------}) where the file system has POSIX permissions: the log names keys, principals
 * and hosts, which other users of the machine have no business reading. An existing file keeps
 * the permissions it has (an administrator may have granted a log shipper's group read access).
 */
public final class OwnerOnlyFiles {

    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));

    private OwnerOnlyFiles() {
    }

    public static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return FileChannel.open(file, options, OWNER_ONLY);
        }
        return FileChannel.open(file, options);
    }
}
