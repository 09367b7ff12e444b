package io.kmsjca.internal.remote;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's response limit at its bound (a body of exactly the limit is read whole, one byte
 * more cancels the exchange), in pieces of any size; and an answer about a key named by id or key
 * ARN must be about that key, while an alias (or alias ARN) is the server's to resolve.
 */
class RemoteAnswerChecksTest {

    /** A subscription that records whether the exchange was cancelled. */
    private static final class Recorded implements Flow.Subscription {
        boolean cancelled;

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static byte[] bytes(int n, int from) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void aBodyOfExactlyTheLimit_isReadWhole_inPiecesThatGrowTheBuffer() {
        int max = 10_000; // more than the first 4 KiB buffer: it grows twice
        BoundedBody body = new BoundedBody(max);
        Recorded s = new Recorded();
        body.onSubscribe(s);
        byte[] all = bytes(max, 3);
        body.onNext(List.of(ByteBuffer.wrap(all, 0, 4000), ByteBuffer.wrap(all, 4000, 5000)));
        body.onNext(List.of(ByteBuffer.wrap(all, 9000, 1000)));
        body.onComplete();
        assertArrayEquals(all, body.getBody().toCompletableFuture().join());
        assertFalse(s.cancelled);
    }

    @Test
    void oneByteMore_cancelsTheExchange_andFailsWithTooLong_andNothingAfterCounts() {
        BoundedBody body = new BoundedBody(100);
        Recorded s = new Recorded();
        body.onSubscribe(s);
        body.onNext(List.of(ByteBuffer.wrap(bytes(60, 0))));
        body.onNext(List.of(ByteBuffer.wrap(bytes(41, 0))));
        assertTrue(s.cancelled, "the exchange is cancelled at once");
        body.onComplete(); // late: changes nothing
        CompletionException e = assertThrows(CompletionException.class, () -> body.getBody().toCompletableFuture().join());
        assertInstanceOf(BoundedBody.TooLong.class, e.getCause());
        assertEquals("a response longer than 100 bytes", e.getCause().getMessage());
    }

    @Test
    void anErrorFailsTheBody_butNotOneThatAlreadyEnded() {
        BoundedBody failed = new BoundedBody(100);
        failed.onSubscribe(new Recorded());
        java.io.IOException reset = new java.io.IOException("connection reset");
        failed.onError(reset);
        assertEquals(reset, assertThrows(CompletionException.class, () -> failed.getBody().toCompletableFuture().join()).getCause());

        BoundedBody ended = new BoundedBody(100);
        ended.onSubscribe(new Recorded());
        ended.onNext(List.of(ByteBuffer.wrap(bytes(5, 1))));
        ended.onComplete();
        ended.onError(reset);
        assertArrayEquals(bytes(5, 1), ended.getBody().toCompletableFuture().join());
    }

    @Test
    void anAnswerAboutAKeyNamedByIdOrKeyArn_mustBeAboutThatKey_anAliasIsTheServers() throws Exception {
        UUID asked = UUID.fromString("1f0c2b5e-7a41-4b8e-9a1d-3c5e6f708192");
        UUID other = UUID.fromString("2a1d3c6f-8b52-4c9f-8b2e-4d6f70819203");
        String arn = "arn:aws:kms:eu-west-1:000000000000:key/" + asked;
        assertEquals(asked, RemoteAnswers.answeredFor("u", asked.toString(), asked, "Encrypt"));
        assertEquals(asked, RemoteAnswers.answeredFor("u", arn, asked, "Encrypt"));
        assertThrows(RemoteFailure.class, () -> RemoteAnswers.answeredFor("u", asked.toString(), other, "Encrypt"));
        assertThrows(RemoteFailure.class, () -> RemoteAnswers.answeredFor("u", arn, other, "Encrypt"));
        assertEquals(other, RemoteAnswers.answeredFor("u", "alias/orders", other, "Encrypt"));
        assertEquals(other, RemoteAnswers.answeredFor("u", "arn:aws:kms:eu-west-1:000000000000:alias/orders", other, "Encrypt"));
    }
}
