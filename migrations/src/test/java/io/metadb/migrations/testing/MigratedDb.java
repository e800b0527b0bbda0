package io.metadb.migrations.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test parameter that receives a fresh database at the head schema version: {@code @MigratedDb
 * Path db} a SQLite file in a directory of its own (deleted after the test), {@code @MigratedDb
 * Location db} a PostgreSQL database of the shared cluster ({@link MigratedDbExtension}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@ExtendWith(MigratedDbExtension.class)
public @interface MigratedDb {}
