package io.metadb.migrations.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test parameter ({@code @MigratedDb Path db}) that receives a fresh metadb file migrated
 * to the head schema version, in a directory of its own that is deleted after the test.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@ExtendWith(MigratedDbExtension.class)
public @interface MigratedDb {}
