package dev.forgeperf.profile;

import java.util.Arrays;

/**
 * The event types a reader decodes in the current chunk: type ids are chunk-local, so
 * {@link #startChunk} looks up, by name, {@code jdk.ActiveSetting} and the events of the kind
 * ({@link Kind#eventRoles()}) and gives each present type a slot. A slot holds the reader's code for
 * the event (from its {@link Kind.Role}: resolved here once per type and chunk, switched on per event)
 * and, per field of the type, where {@link JfrParser#readFields} puts its value: an index of the
 * reader's {@code long[]} ({@link #START} … {@link #FAILED}), of its {@code String[]} (a setting's
 * name 0 and value 1), or -1 to skip it.
 *
 * <p>Per event: {@link #slot} is an array read for type ids below 4096 (all of the JDK's), else one
 * {@link LongIntMap} lookup; -1 for a type not read, which the parser skips by its size, undecoded.
 *
 * <p>Not thread-safe: one per reader of chunks.
 */
final class EventSlots {
    // the reader's codes of the events it reads (see code(Role))
    static final int ACTIVE_SETTING = 1;
    static final int EXECUTION_SAMPLE = 2;
    static final int NATIVE_SAMPLE = 3;
    static final int ALLOCATION_SAMPLE = 4;
    static final int NEW_TLAB = 5;
    static final int OUTSIDE_TLAB = 6;
    static final int CONTENDED = 7;
    static final int BLOCKED = 9;
    static final int CPU_TIME_SAMPLE = 10;
    static final int CPU_TIME_LOST = 11;

    // where readFields puts an event's values
    static final int START = 0;
    static final int DURATION = 1;
    static final int THREAD = 2;
    static final int STACK = 3;
    static final int VALUE = 4;
    static final int SETTING_ID = 5;
    static final int FAILED = 6;
    /** The sizes of the arrays {@link #readFields} fills: the indexes above; 0 and 1 (a setting's name and value). */
    static final int LONGS = 7;
    static final int TEXTS = 2;

    private final Kind kind;
    /** Reads jdk.ThreadStart instead of the kind's events (see {@link JfrReader#readThreadStarts}). */
    private final boolean threadStarts;
    private final LongIntMap slotOfType = new LongIntMap(16);
    private final int[] slotByType = new int[4096];
    private int[] slotCode = new int[8];
    private JfrParser.Type[] slotType = new JfrParser.Type[8];
    private int[][] slotRoles = new int[8][];
    private int slots;
    private long executionSampleTypeId = -1;
    private long nativeSampleTypeId = -1;

    EventSlots(Kind kind, boolean threadStarts) {
        this.kind = kind;
        this.threadStarts = threadStarts;
    }

    /** Looks up the chunk {@code parser} has just entered: its type ids of the events of interest. */
    void startChunk(JfrParser parser) {
        slotOfType.clear();
        Arrays.fill(slotByType, -1);
        slots = 0;
        executionSampleTypeId = -1;
        nativeSampleTypeId = -1;
        addSlot(parser, "jdk.ActiveSetting", ACTIVE_SETTING);
        if (threadStarts) {
            addSlot(parser, "jdk.ThreadStart", CONTENDED);
            return;
        }
        for (Kind.Event e : kind.eventRoles()) {
            addSlot(parser, e.name(), code(e.role()));
        }
    }

    /** The slot of an event type id of this chunk; -1 when it is not read. */
    int slot(long type) {
        return type < slotByType.length ? slotByType[(int) type] : slotOfType.get(type);
    }

    /** The reader's code of a slot's events. */
    int code(int slot) {
        return slotCode[slot];
    }

    /** Decodes the current event, of {@code slot}'s type, into {@code longs} and {@code texts} (the fields read; the others keep their values). */
    void readFields(JfrParser parser, int slot, long[] longs, String[] texts) {
        parser.readFields(slotType[slot], slotRoles[slot], longs, texts);
    }

    /** This chunk's type id of {@code jdk.ExecutionSample}; -1 when the chunk has none. */
    long executionSampleType() {
        return executionSampleTypeId;
    }

    /** This chunk's type id of {@code jdk.NativeMethodSample} when read; else -1. */
    long nativeSampleType() {
        return nativeSampleTypeId;
    }

    /** The reader's code of an event role: resolved once per event type and chunk, switched on per event. */
    private static int code(Kind.Role role) {
        return switch (role) {
            case EXECUTION_SAMPLE -> EXECUTION_SAMPLE;
            case NATIVE_SAMPLE -> NATIVE_SAMPLE;
            case CPU_TIME_SAMPLE -> CPU_TIME_SAMPLE;
            case CPU_TIME_LOST -> CPU_TIME_LOST;
            case ALLOCATION_SAMPLE -> ALLOCATION_SAMPLE;
            case NEW_TLAB -> NEW_TLAB;
            case OUTSIDE_TLAB -> OUTSIDE_TLAB;
            case CONTENDED -> CONTENDED;
            case BLOCKED -> BLOCKED;
            case OLD_OBJECT -> throw new IllegalStateException("live objects are read by LiveObjects");
        };
    }

    private void addSlot(JfrParser parser, String event, int code) {
        JfrParser.Type t = parser.type(event);
        if (t == null) {
            return;
        }
        int[] roles = new int[t.fields.size()];
        Arrays.fill(roles, -1);
        for (int i = 0; i < roles.length; i++) {
            JfrParser.Field f = t.fields.get(i);
            roles[i] = switch (f.name) {
                case "startTime" -> START;
                case "duration" -> DURATION;
                case "eventThread" -> code == EXECUTION_SAMPLE || code == NATIVE_SAMPLE ? -1 : THREAD;
                case "sampledThread" -> code == EXECUTION_SAMPLE || code == NATIVE_SAMPLE ? THREAD : -1;
                case "stackTrace" -> STACK;
                case "weight" -> code == ALLOCATION_SAMPLE ? VALUE : -1;
                case "samplingPeriod" -> code == CPU_TIME_SAMPLE ? VALUE : -1;
                case "failed" -> code == CPU_TIME_SAMPLE ? FAILED : -1;
                case "lostSamples" -> code == CPU_TIME_LOST ? VALUE : -1;
                case "tlabSize" -> code == NEW_TLAB ? VALUE : -1;
                case "allocationSize" -> code == OUTSIDE_TLAB ? VALUE : -1;
                case "id" -> code == ACTIVE_SETTING ? SETTING_ID : -1;
                case "name" -> code == ACTIVE_SETTING ? 0 : -1;
                case "value" -> code == ACTIVE_SETTING ? 1 : -1;
                default -> -1;
            };
        }
        if (slots == slotCode.length) {
            slotCode = Arrays.copyOf(slotCode, slots * 2);
            slotType = Arrays.copyOf(slotType, slots * 2);
            slotRoles = Arrays.copyOf(slotRoles, slots * 2);
        }
        slotCode[slots] = code;
        slotType[slots] = t;
        slotRoles[slots] = roles;
        if (t.id >= 0 && t.id < slotByType.length) {
            slotByType[(int) t.id] = slots;
        }
        slotOfType.set(t.id, slots++);
        if (code == EXECUTION_SAMPLE) {
            executionSampleTypeId = t.id;
        } else if (code == NATIVE_SAMPLE) {
            nativeSampleTypeId = t.id;
        }
    }
}
