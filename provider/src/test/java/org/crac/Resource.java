package org.crac;

/**
 * Test stand-in for the CRaC API (io.github.crac:org-crac), same shape: what a checkpoint/restore
 * runtime (CRaC, AWS Lambda SnapStart) calls around a snapshot. The provider finds it by reflection.
 */
public interface Resource {

    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
