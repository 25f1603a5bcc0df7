package dev.forgeperf.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import dev.forgeperf.util.SocketDir;
import dev.forgeperf.config.HttpTokenOption;
import dev.forgeperf.util.AtomicFiles;

/**
 * The secret that mutating HTTP endpoints require ({@code Authorization: Bearer TOKEN}): the
 * {@code http.token} option, or 32 random bytes written to an owner-only (0600) file
 * {@code <pid>.http-token} in the owner-only socket directory, so only this JVM's user can read
 * it. Presented tokens are compared in constant time (SHA-256 digests of both, then
 * {@link MessageDigest#isEqual}), so neither content nor length leaks through timing.
 * The option value itself is checked by {@link HttpTokenOption}. Immutable and thread-safe.
 */
public final class HttpToken {
    private final byte[] digest;
    private final Path file;

    private HttpToken(String token, Path file) {
        this.digest = sha256(token);
        this.file = file;
    }

    /** The token the user chose ({@code http.token}); no file is written. */
    static HttpToken of(String token) {
        return new HttpToken(token, null);
    }

    /**
     * A new random token, written to {@code dir/<pid>.http-token} (0600, replacing a stale one
     * of an earlier process with this pid).
     *
     * @throws IOException when the file cannot be written
     */
    static HttpToken generate(Path dir, long pid) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path target = dir.resolve(pid + ".http-token");
        Path tmp = Files.createTempFile(dir, "." + pid + ".http-token.", ".tmp", PosixFilePermissions.asFileAttribute(SocketDir.OWNER_ONLY_FILE));
        try {
            Files.writeString(tmp, token + "\n");
            AtomicFiles.moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new HttpToken(token, target);
    }

    /** Whether {@code presented} is the token; constant time. */
    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The file holding the token, or null when the user gave it ({@code http.token}). */
    Path file() {
        return file;
    }

    /** Removes the token file (agent shutdown). */
    void deleteFile() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort at exit
            }
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
