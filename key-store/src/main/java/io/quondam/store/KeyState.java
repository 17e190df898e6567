package io.quondam.store;

/** Where a claimed key is in its life: its operation is running, or done with a stored response. */
public enum KeyState {
    IN_PROGRESS,
    COMPLETED
}
