package dev.forgeperf.sample;

/**
 * HOT SPOT 5 (memory leak, with {@code --leak}): a user session that is retained forever
 * by {@link SessionCache}. Each instance holds a 1-10 KB payload.
 */
public final class LeakedSession {

    private final long id;
    private final String user;
    private final long createdAtMillis;
    private final byte[] payload;

    public LeakedSession(long id, String user, long createdAtMillis, byte[] payload) {
        this.id = id;
        this.user = user;
        this.createdAtMillis = createdAtMillis;
        this.payload = payload;
    }

    public long id() {
        return id;
    }

    public String user() {
        return user;
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    /** Size of the retained payload in bytes. */
    public int payloadSize() {
        return payload.length;
    }
}
