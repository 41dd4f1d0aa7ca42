package org.apogee.compat.support;

import java.util.List;
import java.util.Map;

/** A version-neutral view of TopicRouteData (4.9.x and 5.x keep it in different packages). */
public record RouteView(List<QueueView> queues, Map<String, Map<Long, String>> brokers) {
    public record QueueView(String brokerName, int readQueueNums, int writeQueueNums, int perm) {
    }

    public int totalWriteQueues() {
        return queues.stream().mapToInt(QueueView::writeQueueNums).sum();
    }

    public int totalReadQueues() {
        return queues.stream().mapToInt(QueueView::readQueueNums).sum();
    }
}
