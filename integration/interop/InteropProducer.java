/*
 * An outside producer for the interop integration test: Java's own KafkaProducer (kafka-clients) with its DEFAULT
 * partitioner, i.e. no partition and no partitioner.class, so each record's partition is Kafka's murmur2 of the key.
 *
 * Run with Java's single-file source launcher:
 *   java -cp <kafka-clients classpath> integration/interop/InteropProducer.java <bootstrap> <topic> <file>
 *
 * <file> holds one record per line, `<key>\t<base64 of the value>` (as test/fixtures/interop/produce_upserts.py
 * writes them); the key is sent as UTF-8 (StringSerializer), the value as the decoded bytes. Sends with acks=all and
 * enable.idempotence=true, flushes, then prints one line per acknowledged record, `ack\t<line>\t<partition>\t<offset>`
 * (line = 0-based input line), and last `acknowledged=<n> failed=<n>`. Exits 0 only if every record was acknowledged.
 */

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class InteropProducer {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: InteropProducer <bootstrap> <topic> <file>");
            System.exit(2);
        }
        String bootstrap = args[0];
        String topic = args[1];
        List<String> lines = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8);

        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (String line : lines) {
            if (line.isEmpty()) continue;
            int tab = line.indexOf('\t');
            if (tab < 0) throw new IllegalArgumentException("no tab in line: " + line);
            keys.add(line.substring(0, tab));
            values.add(Base64.getDecoder().decode(line.substring(tab + 1)));
        }

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "jade-interop-java");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Deliberately no partitioner.class and no explicit partition: Kafka's built-in murmur2 partitioner decides.

        int n = keys.size();
        int[] partitions = new int[n];
        long[] offsets = new long[n];
        boolean[] acked = new boolean[n];
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < n; i++) {
                final int index = i;
                producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i)), (metadata, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, error);
                        return;
                    }
                    partitions[index] = metadata.partition();
                    offsets[index] = metadata.offset();
                    acked[index] = true;
                });
            }
            producer.flush();
        }

        StringBuilder out = new StringBuilder();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (!acked[i]) continue;
            count++;
            out.append("ack\t").append(i).append('\t').append(partitions[i]).append('\t').append(offsets[i]).append('\n');
        }
        out.append("acknowledged=").append(count).append(" failed=").append(failed.get()).append('\n');
        System.out.print(out);
        System.out.flush();
        if (firstError.get() != null) {
            System.err.println("first error: " + firstError.get());
        }
        System.exit(count == n ? 0 : 1);
    }
}
