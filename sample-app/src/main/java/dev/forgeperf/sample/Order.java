package dev.forgeperf.sample;

/**
 * An immutable customer order flowing through the sample workload.
 * Plain data carrier; not a hot spot itself.
 *
 * @param id         globally increasing order id
 * @param customerId customer identifier (index into the customer table)
 * @param sku        stock keeping unit being ordered
 * @param quantity   number of units; {@code <= 0} marks a malformed order
 * @param unitPrice  list price per unit
 */
public record Order(long id, int customerId, String sku, int quantity, double unitPrice) {
}
