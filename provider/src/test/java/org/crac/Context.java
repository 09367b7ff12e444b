package org.crac;

/** Test stand-in for {@code org.crac.Context}: a group of resources, itself a resource. */
public abstract class Context<R extends Resource> implements Resource {

    protected Context() {
    }

    public abstract void register(R resource);
}
